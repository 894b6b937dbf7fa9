package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.read.SdlInput.VolumeIn;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import dev.vyoma.sdl.yaml.YSequence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compute profile's {@code storage}: one mapping (a volume named {@code default}) or a list of volumes,
 * with Akash's attribute rules ({@code persistent} defaults to false once attributes are given; a
 * persistent volume without class gets class {@code default}; {@code ram} cannot be persistent; other
 * classes must be) and Akash's volume order, reproduced with the same insertion sort because that order is
 * not a strict ordering and decides the group spec and the manifest hash.
 */
final class Volumes {
    static final String PERSISTENT = "persistent";
    static final String CLASS = "class";
    static final Set<String> CLASSES = Set.of("default", "beta1", "beta2", "beta3", "ram");

    private Volumes() {}

    static List<VolumeIn> decode(YNode node, Loc loc, Problems problems, SdlLimits limits) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            problems.error(loc, "storage is missing; give storage: {size: 1Gi} or a list of volumes");
            return null;
        }
        List<VolumeIn> volumes = new ArrayList<>();
        boolean ok = true;
        if (node instanceof YMapping) {
            VolumeIn v = volume(node, loc, problems, true);
            ok = v != null;
            if (v != null) {
                volumes.add(v);
            }
        } else if (node instanceof YSequence seq) {
            if (seq.items().isEmpty()) {
                problems.error(loc, "storage is an empty list; give at least one volume, e.g. - size: 1Gi");
                return null;
            }
            if (seq.items().size() > limits.maxVolumesPerProfile()) {
                problems.error(
                        loc,
                        "has " + seq.items().size() + " volumes; a compute profile may have at most "
                                + limits.maxVolumesPerProfile());
                return null;
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < seq.items().size(); i++) {
                YNode item = seq.items().get(i);
                VolumeIn v = volume(item, loc.index(i, item), problems, false);
                if (v == null) {
                    ok = false;
                    continue;
                }
                if (!names.add(v.name())) {
                    problems.error(v.loc(), "volume name \"" + v.name() + "\" is used twice; name each volume once");
                    ok = false;
                }
                volumes.add(v);
            }
        } else {
            problems.error(
                    loc, "storage must be a mapping such as {size: 1Gi} or a list of volumes, got " + node.describe());
            return null;
        }
        if (!ok) {
            return null;
        }
        sort(volumes);
        return volumes;
    }

    private static VolumeIn volume(YNode node, Loc loc, Problems problems, boolean single) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            if (Fields.isNull(node)) {
                problems.error(loc, "a volume needs a size, e.g. size: 1Gi");
            }
            return null;
        }
        String name = "default";
        YNode nameNode = f.get("name");
        if (nameNode != null) {
            String n = Scalars.string(nameNode, f.loc("name"), problems);
            if (n == null) {
                return null;
            }
            // A single mapping is always "default", as in Akash; a list item without a name is too.
            if (!single && !n.isEmpty()) {
                name = n;
            }
        }
        YNode sizeNode = f.get("size");
        Long bytes = YamlShapes.size(
                sizeNode,
                f.loc("size"),
                problems,
                "a size such as 1Gi or 500Mi (suffixes Ki Mi Gi Ti are powers of 1024, k M G T of 1000)");
        if (sizeNode == null) {
            problems.error(loc, "size is missing; give the volume's size, e.g. size: 1Gi");
        }
        List<Attribute> attributes = attributes(f.get("attributes"), f.loc("attributes"), problems);
        f.warnUnknown("a storage volume");
        if (bytes == null || attributes == null) {
            return null;
        }
        return new VolumeIn(name, loc, bytes, attributes);
    }

    private static List<Attribute> attributes(YNode node, Loc loc, Problems problems) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return List.of();
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return null;
        }
        Map<String, String> raw = new LinkedHashMap<>();
        boolean ok = true;
        for (YMapping.Entry e : f.entries()) {
            String key = e.key().value();
            String v = Scalars.string(e.value(), loc.key(key, e.value()), problems);
            if (v == null) {
                ok = false;
            } else {
                raw.put(key, v);
            }
        }
        if (!ok) {
            return null;
        }
        raw.putIfAbsent(PERSISTENT, "false");
        // Akash compares the raw text here, before "yes"/"on" are turned into "true".
        String persistent = raw.get(PERSISTENT);
        String storageClass = raw.getOrDefault(CLASS, "");
        switch (storageClass) {
            case "" -> {
                if (persistent.equals("true")) {
                    raw.put(CLASS, "default");
                }
            }
            case "ram" -> {
                if (!persistent.equals("false")) {
                    problems.error(
                            loc, "a ram volume cannot be persistent; set persistent: false or use another class");
                    ok = false;
                }
            }
            default -> {
                if (persistent.equals("false")) {
                    problems.error(
                            loc,
                            "class \"" + storageClass
                                    + "\" is for persistent volumes; add persistent: true or remove class");
                    ok = false;
                }
            }
        }
        List<Attribute> out = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            Loc at = f.loc(e.getKey());
            switch (e.getKey()) {
                case PERSISTENT -> {
                    String b = unifyBool(e.getValue());
                    if (b == null) {
                        problems.error(at, "must be true or false, got \"" + e.getValue() + "\"");
                        ok = false;
                    } else {
                        out.add(new Attribute(PERSISTENT, b));
                    }
                }
                case CLASS -> {
                    if (!CLASSES.contains(e.getValue())) {
                        problems.error(
                                at,
                                "unknown storage class \"" + e.getValue()
                                        + "\"; use default, beta1 (HDD), beta2 (SSD), beta3 (NVMe) or ram");
                        ok = false;
                    } else {
                        out.add(new Attribute(CLASS, e.getValue()));
                    }
                }
                default -> {
                    problems.error(
                            loc.key(e.getKey(), null),
                            "unsupported storage attribute \"" + e.getKey()
                                    + "\"; only persistent and class are allowed");
                    ok = false;
                }
            }
        }
        if (!ok) {
            return null;
        }
        out.sort(null);
        return out;
    }

    private static String unifyBool(String v) {
        return switch (v) {
            case "true", "on", "yes" -> "true";
            case "false", "off", "no" -> "false";
            default -> null;
        };
    }

    /** Akash's volume order, with Go's insertion sort (exact for up to 20 volumes, our limit). */
    static void sort(List<VolumeIn> volumes) {
        for (int i = 1; i < volumes.size(); i++) {
            for (int j = i; j > 0 && less(volumes.get(j), volumes.get(j - 1)); j--) {
                VolumeIn t = volumes.get(j);
                volumes.set(j, volumes.get(j - 1));
                volumes.set(j - 1, t);
            }
        }
    }

    private static boolean less(VolumeIn a, VolumeIn b) {
        if (Long.compareUnsigned(a.bytes(), b.bytes()) != 0) {
            return Long.compareUnsigned(a.bytes(), b.bytes()) < 0;
        }
        String ap = a.attribute(PERSISTENT);
        String bp = b.attribute(PERSISTENT);
        boolean aHas = !ap.isEmpty();
        boolean bHas = !bp.isEmpty();
        if ((!aHas && bHas) || (aHas && bHas && ap.compareTo(bp) < 0)) {
            return true;
        } else if (aHas && !bHas) {
            return false;
        }
        boolean aPersistent = ap.equals("true");
        boolean bPersistent = bp.equals("true");
        if (!aPersistent) {
            return true;
        } else if (!bPersistent) {
            return false;
        }
        return dev.vyoma.sdl.spec.GoStrings.compare(a.name(), b.name()) < 0;
    }
}

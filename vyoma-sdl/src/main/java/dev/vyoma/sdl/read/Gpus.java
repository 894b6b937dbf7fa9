package dev.vyoma.sdl.read;

import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import dev.vyoma.sdl.yaml.YSequence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compute profile's {@code gpu}: units, and acceptable models turned into attributes {@code
 * vendor/nvidia/model/<model>[/ram/<N>Gi][/interface/<pcie|sxm>]}, or {@code vendor/nvidia/model/*} for
 * any model. Akash's Go parser silently ignores vendors other than nvidia and then accepts any NVIDIA
 * GPU; Akash's schema rejects them, and so do we.
 */
final class Gpus {
    /** Akash's attribute key pattern, which allows a trailing wildcard. */
    static final Pattern ATTRIBUTE_KEY = Pattern.compile("^([a-zA-Z][\\w/.\\-]{1,126}[\\w*]?)$");

    private Gpus() {}

    static Gpu decode(YNode node, Loc loc, Problems problems) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return Gpu.NONE;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return null;
        }
        YNode unitsNode = f.get("units");
        Long units = YamlShapes.quantity(unitsNode, f.loc("units"), problems, Quantities::gpuUnits);
        YNode attrNode = f.get("attributes");
        List<Attribute> attributes = null;
        boolean ok = units != null;
        if (attrNode != null && !(attrNode instanceof YScalar s && s.isNull())) {
            attributes = attributes(attrNode, f.loc("attributes"), problems);
            ok &= attributes != null;
        }
        f.rejectUnknown("gpu");
        if (!ok) {
            return null;
        }
        if (attributes == null) {
            attributes = List.of();
        }
        if (units > 0 && attributes.isEmpty()) {
            problems.error(
                    loc,
                    "GPU attributes must be present if units > 0; add attributes: {vendor: {nvidia: [{model: h100}]}} or nvidia: with no list for any model");
            return null;
        }
        return new Gpu(units, attributes);
    }

    private static List<Attribute> attributes(YNode node, Loc loc, Problems problems) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return null;
        }
        YNode vendorNode = f.get("vendor");
        f.rejectUnknown("gpu attributes");
        Fields vendor = vendorNode == null ? null : Fields.of(vendorNode, f.loc("vendor"), problems);
        if (vendor == null) {
            problems.error(loc, "at least one GPU vendor must be set, e.g. vendor: {nvidia: [{model: a100}]}");
            return null;
        }
        YNode nvidiaNode = vendor.get("nvidia");
        for (YMapping.Entry e : vendor.entries()) {
            if (!e.key().value().equals("nvidia")) {
                problems.error(
                        vendor.loc().key(e.key().value(), e.key()),
                        "GPU vendor \"" + e.key().value() + "\" is not supported; only nvidia is");
            }
        }
        List<Attribute> out = new ArrayList<>();
        boolean ok = true;
        if (nvidiaNode != null && !(nvidiaNode instanceof YScalar s && s.isNull())) {
            Loc nloc = vendor.loc("nvidia");
            if (!(nvidiaNode instanceof YSequence seq)) {
                problems.error(nloc, "must be a list of models, e.g. - model: h100, got " + nvidiaNode.describe());
                return null;
            }
            for (int i = 0; i < seq.items().size(); i++) {
                YNode item = seq.items().get(i);
                String key = model(item, nloc.index(i, item), problems);
                if (key == null) {
                    ok = false;
                } else {
                    out.add(new Attribute("vendor/nvidia/model/" + key, "true"));
                }
            }
        }
        if (!ok) {
            return null;
        }
        if (out.isEmpty()) {
            out.add(new Attribute("vendor/nvidia/model/*", "true"));
        }
        out.sort(null);
        Set<String> seen = new HashSet<>();
        for (Attribute a : out) {
            if (!ATTRIBUTE_KEY.matcher(a.key()).matches()) {
                problems.error(
                        loc,
                        "GPU model gives the invalid attribute key \"" + a.key()
                                + "\"; models are names such as h100 or rtx4090");
                ok = false;
            } else if (!seen.add(a.key())) {
                problems.error(
                        loc,
                        "GPU model \"" + a.key().substring("vendor/nvidia/model/".length()) + "\" is listed twice");
                ok = false;
            }
        }
        return ok ? out : null;
    }

    /** {@code model[/ram/<N>Gi][/interface/<i>]} for one entry of the nvidia list. */
    private static String model(YNode node, Loc loc, Problems problems) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            if (Fields.isNull(node)) {
                problems.error(loc, "a GPU entry needs a model, e.g. - model: h100");
            }
            return null;
        }
        String model = f.get("model") == null ? "" : Scalars.string(f.get("model"), f.loc("model"), problems);
        YNode ramNode = f.get("ram");
        Long ram = null;
        if (ramNode != null && !(ramNode instanceof YScalar s && s.isNull())) {
            ram = YamlShapes.quantity(
                    ramNode,
                    f.loc("ram"),
                    problems,
                    t -> Quantities.bytes(
                            t,
                            Quantities.BINARY_SUFFIXES,
                            "a GPU memory size such as 80Gi (binary suffixes Mi, Gi, Ti)"));
            if (ram == null) {
                model = null;
            }
        }
        String iface = null;
        YNode ifaceNode = f.get("interface");
        if (ifaceNode != null && !(ifaceNode instanceof YScalar s && s.isNull())) {
            iface = Scalars.string(ifaceNode, f.loc("interface"), problems);
            if (iface != null && !iface.equals("pcie") && !iface.equals("sxm")) {
                problems.error(f.loc("interface"), "GPU interface must be pcie or sxm, got \"" + iface + "\"");
                iface = null;
                model = null;
            }
        }
        f.warnUnknown("a GPU model");
        if (model == null) {
            return null;
        }
        String key = model;
        if (ramNode != null && ram != null) {
            key += "/ram/" + Long.divideUnsigned(ram, Quantities.GI) + "Gi";
        }
        if (iface != null) {
            key += "/interface/" + iface;
        }
        return key;
    }
}

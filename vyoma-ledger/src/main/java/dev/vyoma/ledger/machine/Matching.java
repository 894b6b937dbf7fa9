package dev.vyoma.ledger.machine;

import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.SignedBy;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a provider may bid on a group, by Akash's rules: placement attributes (requirement keys are
 * shell globs in which {@code *} does not cross {@code /}, values equal), auditors' signatures when the
 * group names any, and the storage classes and GPU models the provider declares as capabilities.
 */
public final class Matching {
    private Matching() {}

    /** Attributes one auditor signed for the provider. */
    public record Audited(String auditor, List<Attribute> attributes) {}

    /** What each auditor signed for {@code provider}, in auditor order. */
    public static List<Audited> audited(
            dev.vyoma.ledger.machine.LedgerState state, dev.vyoma.ledger.crypto.Address provider) {
        List<Audited> out = new ArrayList<>();
        for (dev.vyoma.ledger.audit.AuditKey key : state.auditsByProvider.keys(provider)) {
            out.add(new Audited(key.auditor().toString(), state.audits.get(key).attributes()));
        }
        return out;
    }

    /** Which of the group's requirements a provider does not meet. */
    public enum Requirement {
        /** A placement attribute the provider does not have. */
        ATTRIBUTE,
        /** Attributes the group wants signed by an auditor who has not signed them. */
        SIGNED_BY,
        /** A volume's storage class the provider does not declare. */
        STORAGE_CLASS,
        /** GPUs of a model the provider does not declare (it declares others). */
        GPU_MODEL,
        /** GPUs, from a provider that declares none. */
        NO_GPU
    }

    /** A requirement not met, and the sentence that says so. */
    public record Mismatch(Requirement requirement, String message) {}

    /** Null when the provider meets the group's placement requirements, else why not. */
    public static String requirementsMismatch(GroupSpec spec, List<Attribute> own, List<Audited> audited) {
        Mismatch m = requirements(spec, own, audited);
        return m == null ? null : m.message();
    }

    /** Null when the provider meets the group's placement requirements, else the first one it does not meet. */
    public static Mismatch requirements(GroupSpec spec, List<Attribute> own, List<Audited> audited) {
        List<Attribute> wanted = spec.requirements().attributes();
        SignedBy signedBy = spec.requirements().signedBy();
        if (!signedBy.required()) {
            return subset(wanted, own)
                    ? null
                    : new Mismatch(
                            Requirement.ATTRIBUTE, "the provider's attributes do not include " + missing(wanted, own));
        }
        List<String> allOf = signedBy.allOf() == null ? List.of() : signedBy.allOf();
        List<String> anyOf = signedBy.anyOf() == null ? List.of() : signedBy.anyOf();
        for (String auditor : allOf) {
            List<Attribute> signed = signedBy(audited, auditor);
            if (signed == null || !subset(wanted, signed)) {
                return new Mismatch(
                        Requirement.SIGNED_BY, "auditor " + auditor + " has not signed the required attributes");
            }
        }
        if (!anyOf.isEmpty()) {
            for (String auditor : anyOf) {
                List<Attribute> signed = signedBy(audited, auditor);
                if (signed != null && subset(wanted, signed)) {
                    return null;
                }
            }
            return new Mismatch(
                    Requirement.SIGNED_BY, "none of the auditors " + anyOf + " has signed the required attributes");
        }
        return null;
    }

    /** Null when the provider declares the storage classes and GPU models the group needs, else why not. */
    public static String capabilitiesMismatch(GroupSpec spec, List<Attribute> own) {
        Mismatch m = capabilities(spec, own);
        return m == null ? null : m.message();
    }

    /** Null when the provider declares the storage classes and GPU models the group needs, else the first it lacks. */
    public static Mismatch capabilities(GroupSpec spec, List<Attribute> own) {
        List<Map<String, String>> storage = storageCapabilities(own);
        List<Attribute> gpus = new ArrayList<>();
        for (Attribute a : own) {
            if (a.key().startsWith("capabilities/gpu/")) {
                gpus.add(new Attribute(a.key().substring("capabilities/gpu/".length()), a.value()));
            }
        }
        for (ResourceUnit unit : spec.resources()) {
            for (Volume v : unit.resources().storage()) {
                if (v.attributes().isEmpty()) {
                    continue;
                }
                boolean ok = storage.stream()
                        .anyMatch(cap ->
                                v.attributes().stream().allMatch(a -> a.value().equals(cap.get(a.key()))));
                if (!ok) {
                    return new Mismatch(
                            Requirement.STORAGE_CLASS,
                            "no storage capability matches volume " + v.name() + " " + v.attributes());
                }
            }
            var gpu = unit.resources().gpu();
            if (gpu.units() > 0 && !gpu.attributes().isEmpty()) {
                boolean any =
                        gpu.attributes().stream().anyMatch(req -> gpus.stream().anyMatch(cap -> matches(req, cap)));
                if (!any) {
                    return new Mismatch(
                            gpus.isEmpty() ? Requirement.NO_GPU : Requirement.GPU_MODEL,
                            "the provider offers none of the GPUs "
                                    + gpu.attributes().stream()
                                            .map(Attribute::key)
                                            .toList());
                }
            }
        }
        return null;
    }

    private static List<Map<String, String>> storageCapabilities(List<Attribute> own) {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (Attribute a : own) {
            if (a.key().startsWith("capabilities/storage/")) {
                String[] parts =
                        a.key().substring("capabilities/storage/".length()).split("/", 2);
                if (parts.length == 2) {
                    groups.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], a.value());
                }
            }
        }
        return new ArrayList<>(groups.values());
    }

    private static List<Attribute> signedBy(List<Audited> audited, String auditor) {
        for (Audited a : audited) {
            if (a.auditor().equals(auditor)) {
                return a.attributes();
            }
        }
        return null;
    }

    /** Every requirement matches some attribute. */
    static boolean subset(List<Attribute> requirements, List<Attribute> attributes) {
        for (Attribute req : requirements) {
            if (attributes.stream().noneMatch(a -> matches(req, a))) {
                return false;
            }
        }
        return true;
    }

    private static String missing(List<Attribute> requirements, List<Attribute> attributes) {
        for (Attribute req : requirements) {
            if (attributes.stream().noneMatch(a -> matches(req, a))) {
                return req.key() + "=" + req.value();
            }
        }
        return "";
    }

    /** {@code req.key} as a glob against {@code attr.key}, and equal values. */
    static boolean matches(Attribute req, Attribute attr) {
        return req.value().equals(attr.value())
                && glob(req.key()).matcher(attr.key()).matches();
    }

    private static Pattern glob(String g) {
        {
            StringBuilder re = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (char c : g.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (!literal.isEmpty()) {
                        re.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    re.append(c == '*' ? "[^/]*" : "[^/]");
                } else {
                    literal.append(c);
                }
            }
            if (!literal.isEmpty()) {
                re.append(Pattern.quote(literal.toString()));
            }
            return Pattern.compile(re.toString());
        }
    }
}

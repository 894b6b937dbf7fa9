package dev.vyoma.provider.bid;

import java.util.Locale;
import java.util.Objects;

/**
 * One GPU of a node: vendor and model as Akash's GPU registry names them (lower case, e.g. {@code nvidia},
 * {@code h100}), memory in bytes and interface ({@code pcie} or {@code sxm}; {@code sxm4}/{@code sxm5}
 * count as {@code sxm}, as Akash normalizes them).
 */
public record GpuDevice(String vendor, String model, long vramBytes, String iface) {
    public GpuDevice {
        vendor = Objects.requireNonNull(vendor, "vendor").toLowerCase(Locale.ROOT);
        model = Objects.requireNonNull(model, "model").toLowerCase(Locale.ROOT);
        iface = Objects.requireNonNull(iface, "iface").toLowerCase(Locale.ROOT);
        if (iface.startsWith("sxm")) {
            iface = "sxm";
        }
        if (vramBytes <= 0) {
            throw new IllegalArgumentException("GPU memory must be positive, got " + vramBytes);
        }
    }

    /** Memory as the SDL writes it: whole GiB as {@code 80Gi}. */
    public String ram() {
        long gi = vramBytes >> 30;
        return (gi << 30) == vramBytes ? gi + "Gi" : (vramBytes >> 20) + "Mi";
    }

    /** The concrete attribute key an allocation of this device is written as. */
    public String key() {
        return "vendor/" + vendor + "/model/" + model + "/ram/" + ram() + "/interface/" + iface;
    }

    /**
     * Whether this device satisfies one requested GPU attribute key, {@code vendor/V/model/M[/ram/R][/interface/I]}
     * with {@code M} possibly {@code *}.
     */
    public boolean satisfies(String requestKey) {
        // Fields come in name/value pairs: a key with an empty part or a name without its value asks for
        // something no device can be shown to have, so it is never satisfied (rather than read as "any").
        String[] p = requestKey.toLowerCase(Locale.ROOT).split("/", -1);
        if (p.length < 2
                || p.length % 2 != 0
                || java.util.Arrays.asList(p).contains("")
                || !p[0].equals("vendor")
                || !p[1].equals(vendor)) {
            return false;
        }
        for (int i = 2; i + 1 < p.length; i += 2) {
            String field = p[i];
            String value = p[i + 1];
            boolean ok = switch (field) {
                case "model" -> value.equals("*") || value.equals(model);
                case "ram" -> value.equalsIgnoreCase(ram());
                case "interface" -> (value.startsWith("sxm") ? "sxm" : value).equals(iface);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

package dev.vyoma.sdl.read;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resource quantities as Akash's Go parser reads them, with its exact arithmetic: CPU in millicores
 * ({@code 100m}, or cores as a decimal times 1000, truncated), sizes in bytes with decimal ({@code k M G T
 * P E}) and binary ({@code Ki Mi Gi Ti Pi Ei}) suffixes, case-sensitive, computed in binary floating
 * point and truncated exactly as Go does, GPU units as plain integers, and prices with up to 18 decimals.
 * Each parser returns a value or throws {@link IllegalArgumentException} with a message for the user.
 */
final class Quantities {
    private static final Pattern PRICE = Pattern.compile("^[+-]?\\d+(\\.\\d+)?$");
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    static final long KI = 1L << 10;
    static final long MI = 1L << 20;
    static final long GI = 1L << 30;
    static final long TI = 1L << 40;

    /** Suffixes for memory and storage sizes. */
    static final Map<String, Long> SIZE_SUFFIXES = Map.ofEntries(
            Map.entry("k", 1_000L),
            Map.entry("Ki", KI),
            Map.entry("M", 1_000_000L),
            Map.entry("Mi", MI),
            Map.entry("G", 1_000_000_000L),
            Map.entry("Gi", GI),
            Map.entry("T", 1_000_000_000_000L),
            Map.entry("Ti", TI),
            Map.entry("P", 1_000_000_000_000_000L),
            Map.entry("Pi", 1L << 50),
            Map.entry("E", 1_000_000_000_000_000_000L),
            Map.entry("Ei", 1L << 60));

    /** Suffixes for GPU memory: binary only. */
    static final Map<String, Long> BINARY_SUFFIXES =
            Map.of("Ki", KI, "Mi", MI, "Gi", GI, "Ti", TI, "Pi", 1L << 50, "Ei", 1L << 60);

    private Quantities() {}

    /** CPU in millicores: {@code "100m"}, {@code 0.5}, {@code 2}. */
    static long cpuMillis(String text) {
        if (text.endsWith("m")) {
            String digits = text.substring(0, text.length() - 1);
            if (!digits(digits)) {
                throw new IllegalArgumentException(
                        "\"" + text + "\" is not a CPU amount; with the m suffix write whole millicores such as 500m");
            }
            long v = parseBounded(digits, text);
            return v;
        }
        double cores = parseFloat(text, "a CPU amount such as 0.5, 2 or 500m");
        double millis = cores * 1000;
        if (millis < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        if (millis > UINT32_MAX) {
            throw new IllegalArgumentException("is too large, got " + text);
        }
        return (long) millis;
    }

    /** A size in bytes with an optional suffix from {@code suffixes}. */
    static long bytes(String text, Map<String, Long> suffixes, String example) {
        for (Map.Entry<String, Long> e : suffixes.entrySet()) {
            if (text.endsWith(e.getKey())) {
                String mantissa = text.substring(0, text.length() - e.getKey().length());
                return toBytes(parseFloat(mantissa, example, text) * e.getValue(), text);
            }
        }
        return toBytes(parseFloat(text, example, text), text);
    }

    private static long toBytes(double value, String text) {
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        if (value >= 0x1p63) {
            throw new IllegalArgumentException("is too large, got " + text);
        }
        return (long) value;
    }

    private static final Pattern CONSOLE_SIZE = Pattern.compile("^(\\d+(\\.\\d*)?|\\.\\d+)([kmgtpeKMGTPE])([iIbB]?)$");
    private static final String CONSOLE_PREFIXES = "kmgtpe";

    /**
     * A size as Akash Console (its TypeScript SDK) reads it when Akash's Go parser would not: prefix
     * letters in any case, {@code i} for powers of 1024, {@code b} or nothing for powers of 1000, rounded
     * up to a whole byte. Returns -1 when even Console would reject it.
     */
    static long consoleBytes(String text) {
        var m = CONSOLE_SIZE.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        int power = CONSOLE_PREFIXES.indexOf(Character.toLowerCase(m.group(3).charAt(0))) + 1;
        boolean binary = m.group(4).equalsIgnoreCase("i");
        BigDecimal value = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
                .multiply(BigDecimal.valueOf(binary ? 1024 : 1000).pow(power))
                .setScale(0, java.math.RoundingMode.CEILING);
        return value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? -1 : value.longValueExact();
    }

    /** GPU units: a plain non-negative integer. */
    static long gpuUnits(String text) {
        if (!digits(text)) {
            throw new IllegalArgumentException("must be a whole number of GPUs such as 1, got \"" + text + "\"");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large, got " + text);
        }
    }

    /** A price amount: digits with up to 18 decimals, as Cosmos' {@code LegacyNewDecFromStr}. */
    static BigDecimal price(String text) {
        if (!PRICE.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an amount; write a number such as 1000 or 0.5");
        }
        BigDecimal v = new BigDecimal(text);
        if (v.scale() > 18) {
            throw new IllegalArgumentException("has more than 18 decimal places: " + text);
        }
        if (v.signum() == 0) {
            throw new IllegalArgumentException("must be more than zero, got " + text);
        }
        if (v.signum() < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
        }
        return v;
    }

    private static long parseBounded(String digits, String text) {
        if (digits.length() > 10 || Long.parseLong(digits) > UINT32_MAX) {
            throw new IllegalArgumentException("is too large, got " + text);
        }
        return Long.parseLong(digits);
    }

    private static double parseFloat(String text, String example) {
        return parseFloat(text, example, text);
    }

    private static double parseFloat(String text, String example, String whole) {
        if (!decimal(text)) {
            throw new IllegalArgumentException("\"" + whole + "\" is not " + example);
        }
        return Double.parseDouble(text);
    }

    /** One or more ASCII digits (by hand, not a regular expression: quantities are read for every service). */
    static boolean digits(String text) {
        return !text.isEmpty() && digitsFrom(text, 0) == text.length();
    }

    /** A decimal number, by hand: {@code [+-]? (d+ (.d*)? | .d+) ([eE] [+-]? d+)?} with d an ASCII digit. */
    static boolean decimal(String text) {
        int n = text.length();
        int i = 0;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int intEnd = digitsFrom(text, i);
        boolean whole = intEnd > i;
        i = intEnd;
        boolean fraction = false;
        if (i < n && text.charAt(i) == '.') {
            int fracEnd = digitsFrom(text, i + 1);
            fraction = fracEnd > i + 1;
            i = fracEnd;
        }
        if (!whole && !fraction) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int expEnd = digitsFrom(text, i);
            if (expEnd == i) {
                return false;
            }
            i = expEnd;
        }
        return i == n;
    }

    /** The index after the run of ASCII digits that starts at {@code from}. */
    private static int digitsFrom(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}

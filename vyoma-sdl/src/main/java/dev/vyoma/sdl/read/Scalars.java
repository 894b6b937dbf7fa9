package dev.vyoma.sdl.read;

import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import dev.vyoma.sdl.yaml.YSequence;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Typed reads of YAML values with the rules of Go's yaml.v3, which Akash's parser uses: any scalar reads
 * as a string by its literal text, numbers come only from plain (unquoted) scalars, null reads as the
 * zero value, and YAML 1.1 words such as {@code yes}/{@code off} read as booleans. Each method reports a
 * problem and returns null when the value does not fit.
 */
final class Scalars {
    private static final Pattern YAML_FLOAT =
            Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final BigInteger UINT32_MAX = BigInteger.valueOf(0xFFFF_FFFFL);

    private Scalars() {}

    /** A string: any scalar's text; "" for null. Mappings and lists are errors. */
    static String string(YNode node, Loc loc, Problems problems) {
        if (node instanceof YScalar s) {
            return s.isNull() ? "" : s.value();
        }
        problems.error(loc, "must be text, got " + node.describe());
        return null;
    }

    /** A list of strings; null (no error) when the value is null, as Go keeps a nil slice. */
    static List<String> stringList(YNode node, Loc loc, Problems problems) {
        if (node instanceof YScalar s && s.isNull()) {
            return null;
        }
        if (!(node instanceof YSequence seq)) {
            problems.error(loc, "must be a list of text values, got " + node.describe());
            return null;
        }
        List<String> out = new ArrayList<>(seq.items().size());
        boolean ok = true;
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            String v = string(item, loc.index(i, item), problems);
            if (v == null) {
                ok = false;
            } else {
                out.add(v);
            }
        }
        return ok ? out : null;
    }

    /** An unsigned 32-bit integer; 0 for null. */
    static Long uint32(YNode node, Loc loc, Problems problems) {
        if (!(node instanceof YScalar s)) {
            problems.error(loc, "must be a whole number, got " + node.describe());
            return null;
        }
        if (s.isNull()) {
            return 0L;
        }
        if (s.isIndicatedString()) {
            problems.error(loc, "must be a whole number, got the quoted text \"" + s.value() + "\"; remove the quotes");
            return null;
        }
        BigDecimal n = number(s.value());
        if (n == null) {
            problems.error(loc, "must be a whole number, got \"" + s.value() + "\"");
            return null;
        }
        if (n.signum() < 0) {
            problems.error(loc, "must not be negative, got " + s.value());
            return null;
        }
        BigInteger whole;
        try {
            whole = n.toBigIntegerExact();
        } catch (ArithmeticException e) {
            problems.error(loc, "must be a whole number, got " + s.value());
            return null;
        }
        if (whole.compareTo(UINT32_MAX) > 0) {
            problems.error(loc, "is too large (at most 4294967295), got " + s.value());
            return null;
        }
        return whole.longValueExact();
    }

    /** A boolean: true/false, and the YAML 1.1 words yaml.v3 still accepts for typed booleans. */
    static Boolean bool(YNode node, Loc loc, Problems problems) {
        if (!(node instanceof YScalar s)) {
            problems.error(loc, "must be true or false, got " + node.describe());
            return null;
        }
        if (s.isNull()) {
            return false;
        }
        String v = s.value();
        if (!s.isIndicatedString()) {
            switch (v) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                default -> {}
            }
        }
        return switch (v) {
            case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON" -> true;
            case "n", "N", "no", "No", "NO", "off", "Off", "OFF" -> false;
            default -> {
                problems.error(loc, "must be true or false, got \"" + v + "\"");
                yield null;
            }
        };
    }

    /**
     * The number a plain scalar resolves to under yaml.v3 (decimal, 0x/0o/0b, legacy 0-prefixed octal,
     * underscores between digits, YAML floats), or null when it is not a number.
     */
    static BigDecimal number(String text) {
        String plain = text.replace("_", "");
        BigInteger integer = goParseIntBase0(plain);
        if (integer != null) {
            return new BigDecimal(integer);
        }
        if (YAML_FLOAT.matcher(plain).matches()) {
            try {
                return new BigDecimal(Double.toString(Double.parseDouble(plain)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static BigInteger goParseIntBase0(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean negative = false;
        int i = 0;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        int radix = 10;
        if (body.length() > 2 && body.charAt(0) == '0') {
            char p = Character.toLowerCase(body.charAt(1));
            if (p == 'x' || p == 'o' || p == 'b') {
                radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
                body = body.substring(2);
            }
        }
        if (radix == 10 && body.length() > 1 && body.charAt(0) == '0') {
            radix = 8;
            body = body.substring(1);
        }
        if (body.isEmpty()) {
            return null;
        }
        for (int k = 0; k < body.length(); k++) {
            if (body.charAt(k) > 127 || Character.digit(body.charAt(k), radix) < 0) {
                return null;
            }
        }
        BigInteger v = new BigInteger(body, radix);
        if (v.bitLength() > 64) {
            return null;
        }
        return negative ? v.negate() : v;
    }
}

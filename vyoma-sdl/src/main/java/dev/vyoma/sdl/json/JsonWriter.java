package dev.vyoma.sdl.json;

import dev.vyoma.sdl.spec.GoStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON trees made of {@link Map} (insertion order), {@link List}, {@link String}, {@link Number},
 * {@link Boolean} and {@code null}, escaping strings exactly as Go's {@code encoding/json}: {@code <},
 * {@code >}, {@code &}, U+2028 and U+2029 as {@code \}{@code u} escapes with lowercase hex, {@code \b},
 * {@code \f}, {@code \n}, {@code \r}, {@code \t} in short form and other control characters as
 * {@code \}{@code u00xx}.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean sortKeys;
    private final String indent;
    private final StringBuilder out = new StringBuilder(1024);

    private JsonWriter(boolean sortKeys, String indent) {
        this.sortKeys = sortKeys;
        this.indent = indent;
    }

    /** Compact JSON with keys sorted byte-wise at every level: the form Akash hashes. */
    public static String canonical(Object tree) {
        JsonWriter w = new JsonWriter(true, null);
        w.value(tree, 0);
        return w.out.toString();
    }

    /** Indented JSON (two spaces), keys in insertion order, as Go's {@code MarshalIndent}. */
    public static String pretty(Object tree) {
        JsonWriter w = new JsonWriter(false, "  ");
        w.value(tree, 0);
        return w.out.toString();
    }

    /** Compact JSON, keys in insertion order. */
    public static String compact(Object tree) {
        JsonWriter w = new JsonWriter(false, null);
        w.value(tree, 0);
        return w.out.toString();
    }

    private void value(Object v, int depth) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b.booleanValue());
            case Number n -> out.append(n.toString());
            case Map<?, ?> m -> object(m, depth);
            case List<?> l -> array(l, depth);
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<String> keys = new ArrayList<>(map.size());
        for (Object k : map.keySet()) {
            keys.add((String) k);
        }
        if (sortKeys) {
            keys.sort(GoStrings.ORDER);
        }
        out.append('{');
        boolean first = true;
        for (String key : keys) {
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(depth + 1);
            string(key);
            out.append(indent == null ? ":" : ": ");
            value(map.get(key), depth + 1);
        }
        newline(depth);
        out.append('}');
    }

    private void array(List<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            newline(depth + 1);
            value(list.get(i), depth + 1);
        }
        newline(depth);
        out.append(']');
    }

    private void newline(int depth) {
        if (indent != null) {
            out.append('\n');
            out.append(indent.repeat(depth));
        }
    }

    private void string(String s) {
        appendString(out, s);
    }

    /** Appends {@code s} as a JSON string with Go's escaping. */
    static void appendString(StringBuilder out, String s) {
        out.append('"');
        int n = s.length();
        int plain = 0;
        while (plain < n && !needsEscape(s.charAt(plain))) {
            plain++;
        }
        if (plain == n) {
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(out, c);
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(out, c);
                    } else if (Character.isSurrogate(c) && !validSurrogatePair(s, i)) {
                        // Go replaces invalid UTF-8 with U+FFFD; a lone surrogate is Java's equivalent.
                        out.append("\ufffd");
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether {@code c} is written other than as itself (surrogates are checked for pairing). */
    private static boolean needsEscape(char c) {
        return c < 0x20
                || c == '"'
                || c == '\\'
                || c == '<'
                || c == '>'
                || c == '&'
                || c >= '\u2028' && (c <= '\u2029' || Character.isSurrogate(c));
    }

    private static boolean validSurrogatePair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}

package dev.vyoma.testkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * A tiny block-style YAML writer for trees of {@link Map} (string keys), {@link List}, {@link String},
 * {@link Number}, {@link Boolean} and {@code null}, as {@link SdlGenerator} builds them. Strings are
 * always written double-quoted with {@code "} and {@code \} escaped (and control characters as escape
 * sequences), so no string can turn into a number, a boolean or YAML syntax; numbers, booleans and null
 * are written plain. Keys that are simple names are written plain, others quoted.
 *
 * <p>A {@link Style} chooses the order in which each mapping's keys are written and whether repeated
 * sub-trees are written once with an anchor ({@code &a1}) and then as aliases ({@code *a1}). Every style
 * writes the same data, so a YAML reader must build the same tree from each.
 *
 * <pre>{@code
 * String plain = YamlText.write(tree);
 * String shuffled = YamlText.write(tree, new YamlText.Style(YamlText.KeyOrder.shuffled(random), true));
 * }</pre>
 */
public final class YamlText {
    private static final Pattern PLAIN_KEY = Pattern.compile("^[A-Za-z][A-Za-z0-9_-]*$");
    private static final int INDENT = 2;
    /** Strings shorter than this are never anchored: an alias would be longer than the text. */
    private static final int MIN_ANCHORED_STRING = 4;

    private final Style style;
    private final Map<Object, Integer> occurrences;
    private final Map<Object, String> anchors = new HashMap<>();
    private final StringBuilder out = new StringBuilder();

    private YamlText(Style style, Object tree) {
        this.style = style;
        this.occurrences = style.aliases() ? countOccurrences(tree) : Map.of();
    }

    /** Chooses the order in which a mapping's keys are written. */
    @FunctionalInterface
    public interface KeyOrder {
        /** Keys in insertion order. */
        KeyOrder AS_GIVEN = keys -> keys;

        /** Keys sorted by {@link String#compareTo}. */
        KeyOrder SORTED = keys -> keys.stream().sorted().toList();

        /** The keys of one mapping, in the order to write them; must return the same keys. */
        List<String> arrange(List<String> keys);

        /** A fresh random order at every mapping, drawn from {@code random}. */
        static KeyOrder shuffled(SplittableRandom random) {
            return keys -> {
                List<String> copy = new ArrayList<>(keys);
                for (int i = copy.size() - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    copy.set(i, copy.set(j, copy.get(i)));
                }
                return copy;
            };
        }
    }

    /**
     * How to write a tree.
     *
     * @param keyOrder the order of keys at every mapping
     * @param aliases whether to write repeated mappings, lists and strings once with an anchor and then
     *     as aliases
     */
    public record Style(KeyOrder keyOrder, boolean aliases) {
        /** Keys in insertion order, no aliases. */
        public static final Style PLAIN = new Style(KeyOrder.AS_GIVEN, false);
    }

    /** Writes {@code tree} with keys in insertion order and no aliases. */
    public static String write(Object tree) {
        return write(tree, Style.PLAIN);
    }

    /** Writes {@code tree} in {@code style}. */
    public static String write(Object tree, Style style) {
        YamlText writer = new YamlText(style, tree);
        writer.document(tree);
        return writer.out.toString();
    }

    /** A string as a double-quoted YAML scalar. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (needsEscape(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Control characters, line separators YAML readers may break on, and the BOM and non-characters. */
    private static boolean needsEscape(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028'
                || c == '\u2029'
                || c == '\uFEFF'
                || c == '\uFFFE'
                || c == '\uFFFF';
    }

    // ----- writing -----

    private void document(Object tree) {
        if (tree instanceof Map<?, ?> map && !map.isEmpty()) {
            mapBody(map, 0, false);
        } else {
            value(tree, 0);
        }
    }

    /** The entries of a mapping, each on its own line; {@code inline} puts the first after a "- ". */
    private void mapBody(Map<?, ?> map, int indent, boolean inline) {
        boolean first = true;
        for (String key : style.keyOrder().arrange(keys(map))) {
            if (!(first && inline)) {
                pad(indent);
            }
            first = false;
            out.append(key(key)).append(':');
            value(map.get(key), indent);
        }
    }

    private void listBody(List<?> list, int indent) {
        for (Object item : list) {
            pad(indent);
            out.append('-');
            if (item instanceof Map<?, ?> map && !map.isEmpty() && !aliased(item) && !anchored(item)) {
                out.append(' ');
                mapBody(map, indent + INDENT, true);
            } else {
                value(item, indent);
            }
        }
    }

    /** A value after "key:" or "-": a scalar on the same line, a collection on the lines below. */
    private void value(Object v, int indent) {
        if (aliased(v)) {
            out.append(" *").append(anchors.get(v)).append('\n');
            return;
        }
        if (anchored(v)) {
            String name = "a" + (anchors.size() + 1);
            anchors.put(v, name);
            out.append(" &").append(name);
        }
        if (v instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            mapBody(map, indent + INDENT, false);
        } else if (v instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            listBody(list, indent + INDENT);
        } else {
            out.append(' ').append(scalar(v)).append('\n');
        }
    }

    private static String scalar(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> quote(s);
            case Boolean b -> b.toString();
            case BigDecimal d -> d.toPlainString();
            case Number n -> n.toString();
            case Map<?, ?> m -> "{}";
            case List<?> l -> "[]";
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as YAML");
        };
    }

    private static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : quote(key);
    }

    private static List<String> keys(Map<?, ?> map) {
        List<String> keys = new ArrayList<>(map.size());
        for (Object k : map.keySet()) {
            keys.add((String) k);
        }
        return keys;
    }

    private void pad(int indent) {
        out.repeat(' ', indent);
    }

    // ----- anchors -----

    private boolean aliased(Object v) {
        return style.aliases() && anchorable(v) && anchors.containsKey(v);
    }

    private boolean anchored(Object v) {
        return style.aliases() && anchorable(v) && occurrences.getOrDefault(v, 0) > 1;
    }

    private static boolean anchorable(Object v) {
        return v instanceof Map<?, ?> m && !m.isEmpty()
                || v instanceof List<?> l && !l.isEmpty()
                || v instanceof String s && s.length() >= MIN_ANCHORED_STRING;
    }

    /** How often each anchorable value occurs in the tree, compared by content (map keys are never counted). */
    private static Map<Object, Integer> countOccurrences(Object tree) {
        Map<Object, Integer> counts = new HashMap<>();
        count(tree, counts);
        return counts;
    }

    private static void count(Object v, Map<Object, Integer> counts) {
        if (anchorable(v)) {
            counts.merge(v, 1, Integer::sum);
        }
        if (v instanceof Map<?, ?> map) {
            map.values().forEach(child -> count(child, counts));
        } else if (v instanceof List<?> list) {
            list.forEach(child -> count(child, counts));
        }
    }
}

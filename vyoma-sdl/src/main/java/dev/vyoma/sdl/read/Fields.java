package dev.vyoma.sdl.read;

import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one YAML mapping: reports duplicate keys, looks fields up by name, and at the end
 * reports the keys nobody asked for, suggesting the closest known name ("did you mean").
 */
final class Fields {
    private final Loc loc;
    private final Problems problems;
    /**
     * Mappings up to this size are searched by scanning their entries: an SDL's mappings are small, and
     * a scan is cheaper than building a hash map for each.
     */
    private static final int SCAN_LIMIT = 12;

    private final List<YMapping.Entry> entries;
    /** First entry of each key; null for a small mapping, which is scanned instead. */
    private final Map<String, YMapping.Entry> byKey;
    /** Names looked up with {@link #get}, present or not (may repeat). */
    private final List<String> known = new ArrayList<>();
    /** Whether some key is given twice (the entries then need filtering to first occurrences). */
    private boolean duplicates;

    private Fields(YMapping mapping, Loc loc, Problems problems) {
        this.loc = loc;
        this.problems = problems;
        this.entries = mapping.entries();
        int n = entries.size();
        this.byKey = n <= SCAN_LIMIT ? null : HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            YMapping.Entry e = entries.get(i);
            String key = e.key().value();
            YMapping.Entry previous = byKey == null ? first(key, i) : byKey.putIfAbsent(key, e);
            if (previous != null) {
                duplicates = true;
                problems.error(
                        loc.key(key, e.key()),
                        "\"" + key + "\" is given twice (first at line "
                                + previous.key().mark().line() + "); keep one");
            }
        }
    }

    /**
     * The fields of {@code node} if it is a mapping; null (reported) if it is anything else. A null
     * scalar gives null without a report: an absent value.
     */
    static Fields of(YNode node, Loc loc, Problems problems) {
        if (node instanceof YMapping m) {
            return new Fields(m, loc, problems);
        }
        if (node instanceof YScalar s && s.isNull()) {
            return null;
        }
        problems.error(loc, "must be a mapping of fields, got " + node.describe());
        return null;
    }

    /** Whether {@code node} is absent or an explicit null. */
    static boolean isNull(YNode node) {
        return node == null || node instanceof YScalar s && s.isNull();
    }

    /** The first entry with {@code key} among the first {@code end} entries, or null. */
    private YMapping.Entry first(String key, int end) {
        for (int i = 0; i < end; i++) {
            YMapping.Entry e = entries.get(i);
            if (key.equals(e.key().value())) {
                return e;
            }
        }
        return null;
    }

    private YMapping.Entry entry(String key) {
        return byKey == null ? first(key, entries.size()) : byKey.get(key);
    }

    /** The value of {@code key}, or null when absent. Marks the key as known. */
    YNode get(String key) {
        known.add(key);
        YMapping.Entry e = entry(key);
        return e == null ? null : e.value();
    }

    /** The location of {@code key}'s value, or of this mapping when the key is absent. */
    Loc loc(String key) {
        YMapping.Entry e = entry(key);
        return e == null ? loc.key(key, null) : loc.key(key, e.value());
    }

    /** The location of the mapping itself. */
    Loc loc() {
        return loc;
    }

    /** Entries in source order (first occurrence of each key). */
    List<YMapping.Entry> entries() {
        if (!duplicates) {
            return entries;
        }
        List<YMapping.Entry> out = new ArrayList<>(entries.size());
        Set<String> seen = new HashSet<>();
        for (YMapping.Entry e : entries) {
            if (seen.add(e.key().value())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Reports every key not looked up with {@link #get} as an error. */
    void rejectUnknown(String what) {
        for (YMapping.Entry e : entries()) {
            String key = e.key().value();
            if (!known.contains(key)) {
                problems.error(loc.key(key, e.key()), unknownMessage(key, what));
            }
        }
    }

    /** Reports every key not looked up with {@link #get} as a warning: Akash ignores it. */
    void warnUnknown(String what) {
        for (YMapping.Entry e : entries()) {
            String key = e.key().value();
            if (!known.contains(key)) {
                problems.warning(loc.key(key, e.key()), unknownMessage(key, what) + " (ignored, as Akash ignores it)");
            }
        }
    }

    private String unknownMessage(String key, String what) {
        String suggestion = closest(key);
        String text = "unknown field \"" + key + "\" in " + what;
        if (suggestion != null) {
            return text + "; did you mean \"" + suggestion + "\"?";
        }
        List<String> names = known.stream().distinct().sorted().toList();
        return text + "; known fields: " + String.join(", ", names);
    }

    private String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance; keys are short. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package dev.vyoma.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A table's keys grouped by a part of the key (the bids of an order, the active leases of a provider),
 * each group in key order; a filter on the value may leave rows out (only active leases). Groups are
 * found by hashing and never iterated as a whole, so hash order reaches nothing. Derived from the table,
 * so neither committed nor written to snapshots; the table keeps it current on every write, rollback and
 * load.
 *
 * <p>Most groups hold one or a few keys, so a group is stored as the key itself, or as a sorted array of
 * up to {@value #ARRAY_MAX} keys: a million groups cost little more than their hash map nodes. A larger
 * group (a provider's ten thousand leases) is kept in {@link HintedKeys}, ordered by an <em>order hint</em>,
 * a {@code long} the index computes from each key and that never decreases as keys increase within a
 * group, then by key: finding a place compares {@code long}s in contiguous arrays instead of whole record
 * keys, which at millions of rows is most of the cost of an index.
 */
public final class GroupedIndex<K extends Comparable<? super K>, V, G> implements Maintained<K, V> {
    /** The largest group kept as one sorted array; past it a group is kept in {@link HintedKeys}. */
    static final int ARRAY_MAX = 32;

    private final Function<? super K, ? extends G> groupOf;
    private final ToLongFunction<? super K> orderHint;
    private final Predicate<? super V> filter;
    /** A group: one key, a sorted {@code Object[]} of keys, or {@link HintedKeys} past {@link #ARRAY_MAX}. */
    private final HashMap<G, Object> groups = new HashMap<>();

    GroupedIndex(
            Function<? super K, ? extends G> groupOf,
            ToLongFunction<? super K> orderHint,
            Predicate<? super V> filter) {
        this.groupOf = groupOf;
        this.orderHint = orderHint;
        this.filter = filter;
    }

    @Override
    public void changed(K key, V before, V after) {
        boolean was = before != null && filter.test(before);
        boolean is = after != null && filter.test(after);
        if (was == is) {
            return;
        }
        G group = Objects.requireNonNull(groupOf.apply(key), "group");
        if (is) {
            add(group, key);
        } else {
            remove(group, key);
        }
    }

    /** The keys of {@code group} in key order (a copy). */
    @SuppressWarnings("unchecked")
    public List<K> keys(G group) {
        Object g = groups.get(group);
        if (g == null) {
            return List.of();
        }
        if (g instanceof HintedKeys<?> large) {
            List<K> out = new ArrayList<>(large.size());
            ((HintedKeys<K>) large).appendTo(out);
            return out;
        }
        List<K> out = new ArrayList<>(g instanceof Object[] a ? a.length : 1);
        appendTo(out, g);
        return out;
    }

    /** Whether {@code group} has no key. */
    public boolean isEmpty(G group) {
        return !groups.containsKey(group);
    }

    /** The number of keys in {@code group}. */
    public int count(G group) {
        Object g = groups.get(group);
        if (g == null) {
            return 0;
        }
        if (g instanceof HintedKeys<?> large) {
            return large.size();
        }
        return g instanceof Object[] a ? a.length : 1;
    }

    @SuppressWarnings("unchecked")
    private static <K> void appendTo(List<K> out, Object bucket) {
        if (bucket instanceof Object[] a) {
            for (Object o : a) {
                out.add((K) o);
            }
        } else {
            out.add((K) bucket);
        }
    }

    @SuppressWarnings("unchecked")
    private void add(G group, K key) {
        Object g = groups.get(group);
        if (g == null) {
            groups.put(group, key);
        } else if (g instanceof HintedKeys<?> large) {
            ((HintedKeys<K>) large).add(orderHint.applyAsLong(key), key);
        } else {
            Object grown = insert(g, key, ARRAY_MAX);
            if (grown == null) {
                groups.put(group, split(g, key));
            } else if (grown != g) {
                groups.put(group, grown);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void remove(G group, K key) {
        Object g = groups.get(group);
        if (g == null) {
            return;
        }
        if (g instanceof HintedKeys<?> large) {
            HintedKeys<K> keys = (HintedKeys<K>) large;
            if (keys.remove(orderHint.applyAsLong(key), key) && keys.size() == 0) {
                groups.remove(group);
            }
            return;
        }
        Object shrunk = delete(g, key);
        if (shrunk == null) {
            groups.remove(group);
        } else if (shrunk != g) {
            groups.put(group, shrunk);
        }
    }

    /**
     * {@code bucket} (one key or a sorted array) with {@code key} added: the same object if it was there,
     * null if the result would exceed {@code max} keys.
     */
    @SuppressWarnings("unchecked")
    private Object insert(Object bucket, K key, int max) {
        if (bucket instanceof Object[] a) {
            int at = search(a, key);
            if (at >= 0) {
                return a;
            }
            if (a.length >= max) {
                return null;
            }
            at = -at - 1;
            Object[] b = new Object[a.length + 1];
            System.arraycopy(a, 0, b, 0, at);
            b[at] = key;
            System.arraycopy(a, at, b, at + 1, a.length - at);
            return b;
        }
        K single = (K) bucket;
        int c = single.compareTo(key);
        if (c == 0) {
            return bucket;
        }
        return c < 0 ? new Object[] {single, key} : new Object[] {key, single};
    }

    /** {@code bucket} without {@code key}: the same object if it was not there, null if nothing is left. */
    @SuppressWarnings("unchecked")
    private Object delete(Object bucket, K key) {
        if (bucket instanceof Object[] a) {
            int at = search(a, key);
            if (at < 0) {
                return a;
            }
            if (a.length == 2) {
                return a[1 - at];
            }
            Object[] b = new Object[a.length - 1];
            System.arraycopy(a, 0, b, 0, at);
            System.arraycopy(a, at + 1, b, at, a.length - at - 1);
            return b;
        }
        return ((K) bucket).compareTo(key) == 0 ? null : bucket;
    }

    /** A full array group and one more key, as a large group. */
    private HintedKeys<K> split(Object full, K key) {
        HintedKeys<K> large = new HintedKeys<>();
        List<K> all = new ArrayList<>();
        appendTo(all, full);
        all.add(key);
        for (K k : all) {
            large.add(orderHint.applyAsLong(k), k);
        }
        return large;
    }

    @SuppressWarnings("unchecked")
    private int search(Object[] a, K key) {
        return Arrays.binarySearch(a, key, (x, y) -> ((K) x).compareTo((K) y));
    }

    /**
     * Every row the filter keeps is held in its group, each group holds no more than its rows (as many keys, none
     * twice) and in key order, and no group is left that no row implies: without building a second copy.
     */
    @Override
    public void verify(Rows<K, V> rows) {
        Map<G, int[]> implied = new HashMap<>();
        rows.forEach((k, v) -> {
            if (!filter.test(v)) {
                return;
            }
            G g = groupOf.apply(k);
            if (!holds(g, k)) {
                throw new IllegalStateException("grouped index lacks " + k + " in group " + g);
            }
            implied.computeIfAbsent(g, x -> new int[1])[0]++;
        });
        if (implied.size() != groups.size()) {
            throw new IllegalStateException(
                    "grouped index has " + groups.size() + " groups, the rows make " + implied.size());
        }
        implied.forEach((g, n) -> {
            List<K> held = keys(g);
            if (held.size() != n[0] || count(g) != n[0]) {
                throw new IllegalStateException("grouped index group " + g + " holds " + held.size() + " keys (counts "
                        + count(g) + "), the rows make " + n[0]);
            }
            for (int i = 1; i < held.size(); i++) {
                if (held.get(i - 1).compareTo(held.get(i)) >= 0) {
                    throw new IllegalStateException(
                            "grouped index group " + g + " holds " + held.get(i - 1) + " before " + held.get(i));
                }
            }
        });
    }

    /** Whether {@code group} holds {@code key}. */
    @SuppressWarnings("unchecked")
    private boolean holds(G group, K key) {
        Object g = groups.get(group);
        if (g == null) {
            return false;
        }
        if (g instanceof HintedKeys<?> large) {
            return ((HintedKeys<K>) large).contains(orderHint.applyAsLong(key), key);
        }
        if (g instanceof Object[] a) {
            return search(a, key) >= 0;
        }
        return g.equals(key);
    }
}

package dev.vyoma.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A table's keys grouped by a part of the key (the bids of an order, the active leases of a provider),
 * each group in key order; a filter on the value may leave rows out (only active leases). Groups are
 * found by hashing and never iterated as a whole, so hash order reaches nothing. Derived from the table,
 * so neither committed nor written to snapshots; the table keeps it current on every write, rollback and
 * load.
 *
 * <p>Most groups hold one or a few keys, so a group is stored as the key itself, then as a sorted array,
 * and only past {@value #ARRAY_MAX} keys as a tree: a million groups cost little more than their hash
 * map nodes.
 */
public final class GroupedIndex<K extends Comparable<? super K>, V, G> implements Maintained<K, V> {
    /** The largest group kept as a sorted array. */
    static final int ARRAY_MAX = 32;

    private final Function<? super K, ? extends G> groupOf;
    private final Predicate<? super V> filter;
    /** A group: one key, a sorted {@code Object[]} of keys, or a {@code TreeSet} of keys. */
    private final HashMap<G, Object> groups = new HashMap<>();

    GroupedIndex(Function<? super K, ? extends G> groupOf, Predicate<? super V> filter) {
        this.groupOf = groupOf;
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
        if (g instanceof Object[] a) {
            List<K> out = new ArrayList<>(a.length);
            for (Object o : a) {
                out.add((K) o);
            }
            return out;
        }
        if (g instanceof TreeSet<?> t) {
            return new ArrayList<>((TreeSet<K>) t);
        }
        return List.of((K) g);
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
        if (g instanceof Object[] a) {
            return a.length;
        }
        if (g instanceof TreeSet<?> t) {
            return t.size();
        }
        return 1;
    }

    @SuppressWarnings("unchecked")
    private void add(G group, K key) {
        Object g = groups.get(group);
        if (g == null) {
            groups.put(group, key);
        } else if (g instanceof Object[] a) {
            int at = search(a, key);
            if (at >= 0) {
                return;
            }
            at = -at - 1;
            if (a.length < ARRAY_MAX) {
                Object[] b = new Object[a.length + 1];
                System.arraycopy(a, 0, b, 0, at);
                b[at] = key;
                System.arraycopy(a, at, b, at + 1, a.length - at);
                groups.put(group, b);
            } else {
                TreeSet<K> t = new TreeSet<>();
                for (Object o : a) {
                    t.add((K) o);
                }
                t.add(key);
                groups.put(group, t);
            }
        } else if (g instanceof TreeSet<?> t) {
            ((TreeSet<K>) t).add(key);
        } else {
            K single = (K) g;
            int c = single.compareTo(key);
            if (c != 0) {
                groups.put(group, c < 0 ? new Object[] {single, key} : new Object[] {key, single});
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void remove(G group, K key) {
        Object g = groups.get(group);
        if (g == null) {
            return;
        }
        if (g instanceof Object[] a) {
            int at = search(a, key);
            if (at < 0) {
                return;
            }
            if (a.length == 2) {
                groups.put(group, a[1 - at]);
            } else {
                Object[] b = new Object[a.length - 1];
                System.arraycopy(a, 0, b, 0, at);
                System.arraycopy(a, at + 1, b, at, a.length - at - 1);
                groups.put(group, b);
            }
        } else if (g instanceof TreeSet<?> t) {
            t.remove(key);
            if (t.isEmpty()) {
                groups.remove(group);
            }
        } else if (((K) g).compareTo(key) == 0) {
            groups.remove(group);
        }
    }

    @SuppressWarnings("unchecked")
    private int search(Object[] a, K key) {
        return Arrays.binarySearch(a, key, (x, y) -> ((K) x).compareTo((K) y));
    }
}

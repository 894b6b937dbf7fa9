package dev.vyoma.ledger.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * A table's rows in the order of a key computed from each row, such as escrow accounts by the height their
 * funds run out; rows whose computed key is null are left out. Derived from the table, so it is neither
 * committed nor written to snapshots: its table keeps it current on every write, rollback and load. Two
 * rows never share an index key (it must include the row's key where the order alone could collide).
 */
public final class SortedIndex<K, V, I extends Comparable<? super I>> implements Maintained<K, V> {
    private final String name;
    private final BiFunction<? super K, ? super V, ? extends I> keyOf;
    private final TreeMap<I, K> entries = new TreeMap<>();

    SortedIndex(String name, BiFunction<? super K, ? super V, ? extends I> keyOf) {
        this.name = name;
        this.keyOf = keyOf;
    }

    @Override
    public void changed(K key, V before, V after) {
        I was = before == null ? null : keyOf.apply(key, before);
        I is = after == null ? null : keyOf.apply(key, after);
        if (Objects.equals(was, is)) {
            return;
        }
        if (was != null) {
            if (entries.remove(was) == null) {
                throw new IllegalStateException("index " + name + " lost " + was);
            }
        }
        if (is != null) {
            if (entries.put(is, key) != null) {
                throw new IllegalStateException("index " + name + " gives " + is + " to two rows");
            }
        }
    }

    @Override
    public void verify(Map<K, V> rows) {
        TreeMap<I, K> expected = new TreeMap<>();
        rows.forEach((k, v) -> {
            I i = keyOf.apply(k, v);
            if (i != null) {
                expected.put(i, k);
            }
        });
        if (!expected.equals(entries)) {
            throw new IllegalStateException(
                    "index " + name + " holds " + entries.size() + " entries, the rows make " + expected.size());
        }
    }

    /** The number of rows in the index. */
    public int size() {
        return entries.size();
    }

    /** Whether a row has the index key {@code indexKey}. */
    public boolean contains(I indexKey) {
        return entries.containsKey(indexKey);
    }

    /** The smallest entry, or null. */
    public Map.Entry<I, K> first() {
        return entries.firstEntry();
    }

    /** Row keys whose index key is at most {@code to}, in index order. */
    public List<K> upTo(I to) {
        return new ArrayList<>(entries.headMap(to, true).values());
    }

    /** Read-only view of the index in order. Do not write to the table while iterating it. */
    public NavigableMap<I, K> view() {
        return Collections.unmodifiableNavigableMap(entries);
    }
}

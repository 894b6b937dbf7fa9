package dev.vyoma.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A table's rows in the order of an index key computed from each row, such as escrow accounts by the
 * height their funds run out; rows whose index key is null are left out. The index key must name its row
 * ({@code rowKeyOf}) and two rows never share one. Kept in {@link HintedKeys} by an order hint that never
 * decreases as index keys increase, so that an update at a million rows compares {@code long}s, not
 * records. Derived from the table, so neither committed nor written to snapshots: its table keeps it
 * current on every write, rollback and load.
 */
public final class SortedIndex<K, V, I extends Comparable<? super I>> implements Maintained<K, V> {
    private final String name;
    private final BiFunction<? super K, ? super V, ? extends I> keyOf;
    private final Function<? super I, ? extends K> rowKeyOf;
    private final ToLongFunction<? super I> orderHint;
    private final HintedKeys<I> entries = new HintedKeys<>();

    SortedIndex(
            String name,
            BiFunction<? super K, ? super V, ? extends I> keyOf,
            Function<? super I, ? extends K> rowKeyOf,
            ToLongFunction<? super I> orderHint) {
        this.name = name;
        this.keyOf = keyOf;
        this.rowKeyOf = rowKeyOf;
        this.orderHint = orderHint;
    }

    @Override
    public void changed(K key, V before, V after) {
        I was = before == null ? null : keyOf.apply(key, before);
        I is = after == null ? null : keyOf.apply(key, after);
        if (Objects.equals(was, is)) {
            return;
        }
        if (was != null && !entries.remove(orderHint.applyAsLong(was), was)) {
            throw new IllegalStateException("index " + name + " lost " + was);
        }
        if (is != null && !entries.add(orderHint.applyAsLong(is), is)) {
            throw new IllegalStateException("index " + name + " gives " + is + " to two rows");
        }
    }

    /**
     * Every row's index key is held, the index holds no more than the rows imply (as many entries, none twice),
     * and in order: without building a second copy of the index.
     */
    @Override
    public void verify(Rows<K, V> rows) {
        int[] implied = {0};
        rows.forEach((k, v) -> {
            I i = keyOf.apply(k, v);
            if (i == null) {
                return;
            }
            if (!rowKeyOf.apply(i).equals(k)) {
                throw new IllegalStateException("index " + name + " key " + i + " does not name row " + k);
            }
            if (!entries.contains(orderHint.applyAsLong(i), i)) {
                throw new IllegalStateException("index " + name + " lacks " + i + " of row " + k);
            }
            implied[0]++;
        });
        if (implied[0] != entries.size()) {
            throw new IllegalStateException(
                    "index " + name + " holds " + entries.size() + " entries, the rows make " + implied[0]);
        }
        I previous = null;
        for (I i : entries()) {
            if (previous != null && previous.compareTo(i) >= 0) {
                throw new IllegalStateException("index " + name + " holds " + previous + " before " + i);
            }
            previous = i;
        }
    }

    /** The number of rows in the index. */
    public int size() {
        return entries.size();
    }

    /** Whether no row is in the index. */
    public boolean isEmpty() {
        return entries.size() == 0;
    }

    /** Whether a row has the index key {@code indexKey}. */
    public boolean contains(I indexKey) {
        return entries.contains(orderHint.applyAsLong(indexKey), indexKey);
    }

    /** The smallest index key, or null. */
    public I first() {
        return entries.first();
    }

    /** The keys of the rows whose index key is at most {@code to}, in index order. */
    public List<K> upTo(I to) {
        List<I> found = new ArrayList<>();
        entries.appendUpTo(orderHint.applyAsLong(to), to, found);
        List<K> out = new ArrayList<>(found.size());
        for (I i : found) {
            out.add(rowKeyOf.apply(i));
        }
        return out;
    }

    /** Every index key in order (a copy). */
    public List<I> entries() {
        List<I> out = new ArrayList<>(entries.size());
        entries.appendTo(out);
        return out;
    }

    /** The keys of every row in the index, in index order (a copy). */
    public List<K> rowKeys() {
        List<K> out = new ArrayList<>(entries.size());
        for (I i : entries()) {
            out.add(rowKeyOf.apply(i));
        }
        return out;
    }
}

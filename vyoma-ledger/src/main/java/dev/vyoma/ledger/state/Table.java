package dev.vyoma.ledger.state;

import dev.vyoma.ledger.codec.Codec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * One named table of the ledger state. Point reads and writes go through a hash map, so their cost does
 * not grow with the table; ordered access goes through the indexes the table declares ({@link
 * #sortedIndex}, {@link #groupedIndex}), which it keeps current, and {@link #sorted()} gives every entry
 * in key order when a whole table must be walked in order. Every write goes through the owning {@link
 * StateStore}, which records it for rollback and for the state commitment.
 */
public final class Table<K extends Comparable<? super K>, V> {
    /** Past this many rows written in one block, the list of them is replaced rather than cleared. */
    private static final int KEEP_TOUCHED_CAPACITY = 1 << 14;

    private final String name;
    private final byte[] nameBytes;
    private final Type keyType;
    private final Type valueType;
    private final Codec.Encoder keyEncoder;
    private final Codec.Encoder valueEncoder;
    private final StateStore store;
    private final HashMap<K, Row<K, V>> rows = new HashMap<>();
    private final List<Maintained<K, V>> indexes = new ArrayList<>();
    private ArrayList<Row<K, V>> touched = new ArrayList<>();
    /**
     * The row found by the last lookup: handlers read a key and then write it, and the second lookup of an
     * equal key is then answered without probing the map. Cleared when rows leave the map.
     */
    private K lastKey;

    private Row<K, V> lastRow;
    private int size;

    Table(String name, Type keyType, Type valueType, StateStore store) {
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.keyType = keyType;
        this.valueType = valueType;
        this.keyEncoder = Codec.encoder(keyType);
        this.valueEncoder = Codec.encoder(valueType);
        this.store = store;
    }

    public String name() {
        return name;
    }

    Type keyType() {
        return keyType;
    }

    Type valueType() {
        return valueType;
    }

    byte[] nameBytes() {
        return nameBytes;
    }

    /** The value at {@code key}, or null. */
    public V get(K key) {
        Row<K, V> r = row(key);
        return r == null ? null : r.value;
    }

    private Row<K, V> row(K key) {
        K last = lastKey;
        if (last != null && (last == key || last.equals(key))) {
            return lastRow;
        }
        Row<K, V> r = rows.get(key);
        if (r != null) {
            lastKey = r.key;
            lastRow = r;
        }
        return r;
    }

    /** The value at {@code key}, if any. */
    public Optional<V> find(K key) {
        return Optional.ofNullable(get(key));
    }

    public boolean contains(K key) {
        return get(key) != null;
    }

    /** Sets {@code key} to {@code value}. */
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Row<K, V> r = row(key);
        if (r == null) {
            r = new Row<>(key);
            rows.put(key, r);
            lastKey = key;
            lastRow = r;
        }
        write(r, value);
    }

    /** Removes {@code key}; nothing happens if it is absent. */
    public void remove(K key) {
        Row<K, V> r = row(key);
        if (r != null && r.value != null) {
            write(r, null);
        }
    }

    /** The number of entries. */
    public int size() {
        return size;
    }

    /** Every entry in key order (a copy, sorted now: its cost grows with the table). */
    public List<Map.Entry<K, V>> sorted() {
        List<Map.Entry<K, V>> out = new ArrayList<>(size);
        for (Row<K, V> r : rows.values()) {
            if (r.value != null) {
                out.add(Map.entry(r.key, r.value));
            }
        }
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    /** Every value in key order (a copy, sorted now). */
    public List<V> sortedValues() {
        List<Map.Entry<K, V>> entries = sorted();
        List<V> out = new ArrayList<>(entries.size());
        for (Map.Entry<K, V> e : entries) {
            out.add(e.getValue());
        }
        return out;
    }

    /**
     * Calls {@code action} for every entry in no defined order. Only for checks whose outcome does not
     * depend on order (sums, counts); {@code DeterminismRulesTest} keeps it out of the state machine.
     */
    public void forEachUnordered(BiConsumer<? super K, ? super V> action) {
        for (Row<K, V> r : rows.values()) {
            if (r.value != null) {
                action.accept(r.key, r.value);
            }
        }
    }

    /** Checks every index of this table against its rows (cost grows with the table); see {@link Maintained#verify}. */
    public void verifyIndexes() {
        for (Maintained<K, V> index : indexes) {
            try {
                index.verify(this::forEachUnordered);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("table " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Declares an index of this table's rows ordered by {@code keyOf(key, value)} (null leaves a row out),
     * which {@code rowKeyOf} maps back to the row's key; {@code orderHint} must never decrease as index keys
     * increase (see {@link SortedIndex}). Declare indexes before the first write.
     */
    public <I extends Comparable<? super I>> SortedIndex<K, V, I> sortedIndex(
            String indexName,
            BiFunction<? super K, ? super V, ? extends I> keyOf,
            Function<? super I, ? extends K> rowKeyOf,
            ToLongFunction<? super I> orderHint) {
        requireEmpty();
        SortedIndex<K, V, I> index = new SortedIndex<>(name + "." + indexName, keyOf, rowKeyOf, orderHint);
        indexes.add(index);
        return index;
    }

    /**
     * Declares an index of this table's keys grouped by {@code groupOf(key)}, each group in key order, of
     * the rows whose value passes {@code filter}. {@code orderHint} must never decrease as keys increase
     * within a group (see {@link GroupedIndex}); it keeps large groups cheap. Declare indexes before the
     * first write.
     */
    public <G> GroupedIndex<K, V, G> groupedIndex(
            Function<? super K, ? extends G> groupOf,
            ToLongFunction<? super K> orderHint,
            Predicate<? super V> filter) {
        requireEmpty();
        GroupedIndex<K, V, G> index = new GroupedIndex<K, V, G>(groupOf, orderHint, filter);
        indexes.add(index);
        return index;
    }

    private void requireEmpty() {
        if (!rows.isEmpty()) {
            throw new IllegalStateException("declare the indexes of table " + name + " before writing to it");
        }
    }

    private void write(Row<K, V> r, V value) {
        V before = r.value;
        store.written(this, r, before);
        if (!r.touched) {
            r.touched = true;
            touched.add(r);
        }
        set(r, before, value);
    }

    private void set(Row<K, V> r, V before, V after) {
        r.value = after;
        if (before == null && after != null) {
            size++;
        } else if (before != null && after == null) {
            size--;
        }
        for (Maintained<K, V> index : indexes) {
            index.changed(r.key, before, after);
        }
    }

    /** Puts back the value a row had before a write of the transaction being rolled back. */
    @SuppressWarnings("unchecked")
    void restore(Row<?, ?> row, Object before) {
        Row<K, V> r = (Row<K, V>) row;
        set(r, r.value, (V) before);
    }

    /** Adds a row read from a snapshot, already in the commitment with {@code digest}. */
    @SuppressWarnings("unchecked")
    void load(Object key, Object value, long[] digest) {
        K k = (K) key;
        if (rows.containsKey(k)) {
            throw new IllegalArgumentException("snapshot repeats a key of table " + name);
        }
        Row<K, V> r = new Row<>(k);
        rows.put(k, r);
        r.committed = true;
        r.d0 = digest[0];
        r.d1 = digest[1];
        r.d2 = digest[2];
        r.d3 = digest[3];
        set(r, null, (V) value);
    }

    /**
     * Hands the rows written since the last call to {@code tables}/{@code rowsOut} (this table once per
     * row) and starts a new list; the rows' commitment bookkeeping is the caller's ({@link StateStore}).
     */
    void drainTouched(List<Table<?, ?>> tablesOut, List<Row<?, ?>> rowsOut) {
        for (Row<K, V> r : touched) {
            r.touched = false;
            tablesOut.add(this);
            rowsOut.add(r);
        }
        if (touched.size() > KEEP_TOUCHED_CAPACITY) {
            touched = new ArrayList<>();
        } else {
            touched.clear();
        }
    }

    /** Drops a removed row (value null) for good, once the commitment no longer holds it. */
    void unmap(Row<?, ?> row) {
        if (row.value == null) {
            rows.remove(row.key);
            if (lastRow == row) {
                lastKey = null;
                lastRow = null;
            }
        }
    }

    /** Whether any row was written since the last {@link #drainTouched}. */
    boolean dirty() {
        return !touched.isEmpty();
    }

    /** Encodes a key as this table's key type. */
    void encodeKey(Object key, dev.vyoma.ledger.codec.ByteSink out) {
        keyEncoder.write(out, key);
    }

    /** Encodes a value as this table's value type. */
    void encodeValue(Object value, dev.vyoma.ledger.codec.ByteSink out) {
        valueEncoder.write(out, value);
    }
}

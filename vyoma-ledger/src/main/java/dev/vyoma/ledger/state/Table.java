package dev.vyoma.ledger.state;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One named table of the ledger state, in key order. Every write goes through the owning {@link
 * StateStore}, which records it for rollback and for the state commitment.
 */
public final class Table<K extends Comparable<? super K>, V> {
    private final String name;
    private final Type keyType;
    private final Type valueType;
    private final StateStore store;
    private final TreeMap<K, V> rows = new TreeMap<>();

    Table(String name, Type keyType, Type valueType, StateStore store) {
        this.name = name;
        this.keyType = keyType;
        this.valueType = valueType;
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

    /** The value at {@code key}, or null. */
    public V get(K key) {
        return rows.get(key);
    }

    /** The value at {@code key}, if any. */
    public Optional<V> find(K key) {
        return Optional.ofNullable(rows.get(key));
    }

    public boolean contains(K key) {
        return rows.containsKey(key);
    }

    /** Sets {@code key} to {@code value}. */
    public void put(K key, V value) {
        V old = rows.put(key, value);
        store.touched(this, key, old);
    }

    /** Removes {@code key}; nothing happens if it is absent. */
    public void remove(K key) {
        if (rows.containsKey(key)) {
            V old = rows.remove(key);
            store.touched(this, key, old);
        }
    }

    /** Entries with {@code from <= key < to}, copied, in key order. */
    public List<Map.Entry<K, V>> range(K from, K to) {
        return new ArrayList<>(rows.subMap(from, true, to, false).entrySet());
    }

    /** Values with {@code from <= key < to}, copied, in key order. */
    public List<V> values(K from, K to) {
        return new ArrayList<>(rows.subMap(from, true, to, false).values());
    }

    /** The first entry with key {@code >= from}, if any. */
    public Optional<Map.Entry<K, V>> first(K from) {
        return Optional.ofNullable(rows.ceilingEntry(from));
    }

    /** The smallest key, if any. */
    public Optional<Map.Entry<K, V>> first() {
        return Optional.ofNullable(rows.firstEntry());
    }

    /** Read-only view of all rows in key order; do not write to the table while iterating it. */
    public NavigableMap<K, V> view() {
        return java.util.Collections.unmodifiableNavigableMap(rows);
    }

    public int size() {
        return rows.size();
    }

    /** Restores a value without recording it (rollback only). */
    @SuppressWarnings("unchecked")
    void restore(Object key, Object value) {
        if (value == null) {
            rows.remove((K) key);
        } else {
            rows.put((K) key, (V) value);
        }
    }

    @SuppressWarnings("unchecked")
    void load(Object key, Object value) {
        rows.put((K) key, (V) value);
    }
}

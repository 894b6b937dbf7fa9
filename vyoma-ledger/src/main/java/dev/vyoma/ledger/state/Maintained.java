package dev.vyoma.ledger.state;

/** An index its table keeps up to date on every write, rollback and snapshot load. */
interface Maintained<K, V> {
    /** The row at {@code key} changed from {@code before} to {@code after}; either may be null (absent). */
    void changed(K key, V before, V after);
}

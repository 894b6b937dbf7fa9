package dev.vyoma.ledger.state;

import java.util.function.BiConsumer;

/** An index its table keeps up to date on every write, rollback and snapshot load. */
interface Maintained<K, V> {
    /** The row at {@code key} changed from {@code before} to {@code after}; either may be null (absent). */
    void changed(K key, V before, V after);

    /**
     * Checks that the index holds exactly what the table's live rows imply, in order; throws
     * {@link IllegalStateException} saying what differs. Its cost grows with the table: for tests and
     * invariant checks.
     */
    void verify(Rows<K, V> rows);

    /** A table's live rows, walked in no defined order. */
    @FunctionalInterface
    interface Rows<K, V> {
        void forEach(BiConsumer<? super K, ? super V> action);
    }
}

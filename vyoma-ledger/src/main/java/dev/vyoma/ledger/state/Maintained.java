package dev.vyoma.ledger.state;

import java.util.Map;

/** An index its table keeps up to date on every write, rollback and snapshot load. */
interface Maintained<K, V> {
    /** The row at {@code key} changed from {@code before} to {@code after}; either may be null (absent). */
    void changed(K key, V before, V after);

    /**
     * Checks that the index holds exactly what the rows {@code key → value} imply, in order; throws
     * {@link IllegalStateException} saying what differs. Its cost grows with the table: for tests and
     * invariant checks.
     */
    void verify(Map<K, V> rows);
}

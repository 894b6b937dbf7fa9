package dev.vyoma.ledger.state;

/**
 * One entry of a {@link Table}: its key, its value (null once removed: a tombstone until the block ends,
 * so that a key removed and written again in one block keeps its row), and the digest of the element the
 * commitment holds for it, kept so that replacing a value never re-encodes or re-hashes the old one.
 */
final class Row<K, V> {
    final K key;
    V value;
    /** In its table's list of rows written in this block. */
    boolean touched;
    /** The commitment holds this row's element, whose digest is {@code d0..d3}. */
    boolean committed;
    /**
     * Where the row's folding into the commitment stands in this block: {@link StateStore#UNFOLDED},
     * {@link StateStore#SPECULATED}, {@link StateStore#OUT} or {@link StateStore#DEFERRED}.
     */
    byte fold;
    /** The transaction of this block that last wrote the row (numbered from 1 each block), to note it once. */
    int txMark;

    long d0;
    long d1;
    long d2;
    long d3;

    Row(K key) {
        this.key = key;
    }
}

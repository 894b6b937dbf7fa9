package dev.vyoma.ledger.codec;

/**
 * A record with a single {@code byte[]} component whose accessor returns a copy (an address, a key, a
 * signature). {@link Codec} writes it exactly as any such record, a presence byte then the length and the
 * bytes, but reads the bytes through {@link #copyBytes} without the defensive copy.
 */
public interface ByteRecord {
    /** The number of bytes. */
    int byteLength();

    /** Copies the bytes into {@code dst} at {@code offset}. */
    void copyBytes(byte[] dst, int offset);
}

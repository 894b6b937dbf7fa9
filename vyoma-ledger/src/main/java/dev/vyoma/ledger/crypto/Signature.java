package dev.vyoma.ledger.crypto;

import dev.vyoma.ledger.codec.ByteRecord;
import java.util.Arrays;

/** An Ed25519 signature: 64 bytes, the encoded point R followed by the scalar S (RFC 8032). */
// The codec encodes this as a record; the bytes are copied in and out and compared, hashed and printed by content.
@SuppressWarnings("ArrayRecordComponent")
public record Signature(byte[] bytes) implements ByteRecord {
    /** The length of a signature. */
    public static final int LENGTH_BYTES = 64;

    public Signature {
        bytes = FixedBytes.copyOf(bytes, LENGTH_BYTES, "an Ed25519 signature");
    }

    /** A copy of the signature bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public int byteLength() {
        return bytes.length;
    }

    @Override
    public void copyBytes(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Signature that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Signature[" + FixedBytes.hex(bytes) + "]";
    }
}

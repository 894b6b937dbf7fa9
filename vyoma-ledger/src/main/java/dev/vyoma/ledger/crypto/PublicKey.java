package dev.vyoma.ledger.crypto;

import dev.vyoma.ledger.codec.ByteRecord;
import java.util.Arrays;

/**
 * An Ed25519 public key: the 32-byte point encoding of RFC 8032. Any 32 bytes make a {@code PublicKey};
 * whether they encode a usable point is decided by {@link Ed25519#verify}, which rejects those that do not.
 */
// The codec encodes this as a record; the bytes are copied in and out and compared, hashed and printed by content.
@SuppressWarnings("ArrayRecordComponent")
public record PublicKey(byte[] bytes) implements ByteRecord {
    /** The length of an encoded public key. */
    public static final int LENGTH_BYTES = 32;

    public PublicKey {
        bytes = FixedBytes.copyOf(bytes, LENGTH_BYTES, "an Ed25519 public key");
    }

    /** A copy of the encoded key. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The account address of this key; see {@link Address#of(PublicKey)}. */
    public Address address() {
        return Address.of(this);
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
        return other instanceof PublicKey that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PublicKey[" + FixedBytes.hex(bytes) + "]";
    }
}

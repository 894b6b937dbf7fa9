package dev.vyoma.ledger.crypto;

import java.util.Arrays;

/**
 * An Ed25519 private key: the 32-byte seed of RFC 8032 from which the signing scalar and the public key are
 * derived. It is never printed, and compares in constant time.
 */
// The seed is copied in and out, compared by content in constant time, and never printed.
@SuppressWarnings("ArrayRecordComponent")
public record PrivateKey(byte[] seed) {
    /** The length of a seed. */
    public static final int LENGTH_BYTES = 32;

    public PrivateKey {
        seed = FixedBytes.copyOf(seed, LENGTH_BYTES, "an Ed25519 private key seed");
    }

    /** A copy of the seed; handle it as the secret it is. */
    @Override
    public byte[] seed() {
        return seed.clone();
    }

    /** The public key derived from this seed. */
    public PublicKey publicKey() {
        return Ed25519.publicKey(this);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PrivateKey that && FixedBytes.equal(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(seed);
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}

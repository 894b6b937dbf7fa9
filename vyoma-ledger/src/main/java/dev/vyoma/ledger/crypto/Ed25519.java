package dev.vyoma.ledger.crypto;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Ed25519 as RFC 8032 defines it (pure Ed25519: no context, no prehash), on BouncyCastle's low-level
 * {@code rfc8032} code, which is about ten times faster than the JDK's {@code java.security.Signature}.
 *
 * <p>Which edge cases verify is part of consensus, so it is stated here and pinned by tests: a signature is
 * rejected when its S is not below the group order (no malleated copies), when R or the public key is a
 * non-canonical encoding or not a point on the curve, and when the public key is one of the eight points of
 * small order. These are the rules of the pinned BouncyCastle version; a version change must keep the tests
 * green.
 */
public final class Ed25519 {
    private Ed25519() {}

    /**
     * A new key pair from 32 bytes of {@code random}. The ledger never calls this; clients pass a {@code
     * SecureRandom}, tests a seeded generator.
     */
    public static KeyPair generate(RandomGenerator random) {
        byte[] seed = new byte[PrivateKey.LENGTH_BYTES];
        random.nextBytes(seed);
        try {
            return KeyPair.fromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The signature of {@code message} by {@code key}; deterministic, as RFC 8032 specifies. */
    public static Signature sign(PrivateKey key, byte[] message) {
        Objects.requireNonNull(message, "message");
        byte[] signature = new byte[Signature.LENGTH_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(key.seed(), 0, message, 0, message.length, signature, 0);
        return new Signature(signature);
    }

    /** Whether {@code signature} is {@code key}'s signature of {@code message}; false, never an error, for bad input. */
    public static boolean verify(PublicKey key, byte[] message, Signature signature) {
        return verify(key.bytes(), message, signature.bytes());
    }

    /**
     * Whether {@code signature} is the signature of {@code message} by the encoded {@code publicKey}; false,
     * never an error, when either has the wrong length or is malformed.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        Objects.requireNonNull(message, "message");
        if (publicKey == null
                || publicKey.length != PublicKey.LENGTH_BYTES
                || signature == null
                || signature.length != Signature.LENGTH_BYTES) {
            return false;
        }
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    static PublicKey publicKey(PrivateKey key) {
        byte[] publicKey = new byte[PublicKey.LENGTH_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(key.seed(), 0, publicKey, 0);
        return new PublicKey(publicKey);
    }
}

package dev.vyoma.ledger.crypto;

import java.util.Objects;

/** An Ed25519 private key together with its public key; the pair is checked to match when made. */
public record KeyPair(PrivateKey privateKey, PublicKey publicKey) {
    public KeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!privateKey.publicKey().equals(publicKey)) {
            throw new IllegalArgumentException("the public key does not belong to the private key");
        }
    }

    /** The key pair for a 32-byte RFC 8032 seed. */
    public static KeyPair fromSeed(byte[] seed) {
        PrivateKey privateKey = new PrivateKey(seed);
        return new KeyPair(privateKey, privateKey.publicKey());
    }

    /** The account address of the public key. */
    public Address address() {
        return Address.of(publicKey);
    }

    @Override
    public String toString() {
        return "KeyPair[publicKey=" + publicKey + ", privateKey=redacted]";
    }
}

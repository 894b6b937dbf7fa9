package dev.vyoma.ledger.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over one or more byte strings; safe to call from any thread. */
public final class Hashes {
    /** The length of a SHA-256 digest. */
    public static final int SHA256_BYTES = 32;

    private Hashes() {}

    /** SHA-256 of the concatenation of {@code parts}, in order. */
    public static byte[] sha256(byte[]... parts) {
        // A MessageDigest is stateful, so each call takes its own; getInstance is cheap next to hashing.
        MessageDigest digest = newSha256();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}

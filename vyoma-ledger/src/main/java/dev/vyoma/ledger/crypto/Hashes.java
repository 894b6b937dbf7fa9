package dev.vyoma.ledger.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 over one or more byte strings; safe to call from any thread. */
public final class Hashes {
    /** The length of a SHA-256 digest. */
    public static final int SHA256_BYTES = 32;

    private Hashes() {}

    /** A fresh digest to copy: cloning is several times cheaper than a provider lookup per call. */
    private static final MessageDigest PROTOTYPE = newSha256();

    /** SHA-256 of the concatenation of {@code parts}, in order. */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    /** A new SHA-256 digest, for callers that hash in steps. */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
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

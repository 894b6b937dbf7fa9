package dev.vyoma.ledger.crypto;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/** Checks and copies for the fixed-length byte strings that the records of this package wrap. */
final class FixedBytes {
    private static final HexFormat HEX = HexFormat.of();

    private FixedBytes() {}

    /** A copy of {@code bytes}, which must be exactly {@code length} long; {@code what} names it in the error. */
    static byte[] copyOf(byte[] bytes, int length, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " is " + length + " bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    /** Content equality; constant time, so that comparing secrets leaks nothing through timing. */
    static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Lowercase hex. */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}

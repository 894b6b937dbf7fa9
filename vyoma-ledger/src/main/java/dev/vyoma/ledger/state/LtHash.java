package dev.vyoma.ledger.state;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A lattice-based homomorphic set hash (LtHash, Bellare–Micciancio; the 1024 × 16-bit variant described
 * by Lewi et al.): the hash of a set is the lane-wise sum modulo 2^16 of each element's 2048-byte
 * expansion, so adding or removing one element costs one expansion whatever the set's size, and the
 * result does not depend on order. Elements are expanded by AES-256-CTR keyed with the element's SHA-256,
 * which the JVM runs with AES instructions.
 */
public final class LtHash {
    /** Number of 16-bit lanes. */
    public static final int LANES = 1024;

    private static final byte[] ZERO_IV = new byte[16];
    private static final byte[] ZEROS = new byte[LANES * 2];

    private final short[] lanes = new short[LANES];
    private final MessageDigest sha256;
    private final Cipher aes;
    private final byte[] keystream = new byte[LANES * 2];

    public LtHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            aes = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or AES/CTR missing from this JVM", e);
        }
    }

    /** A copy of another hash's state. */
    public LtHash copy() {
        LtHash h = new LtHash();
        System.arraycopy(lanes, 0, h.lanes, 0, LANES);
        return h;
    }

    /** Adds an element given as its parts (hashed together, each length-prefixed). */
    public void add(byte[]... parts) {
        expand(parts);
        for (int i = 0; i < LANES; i++) {
            lanes[i] += (short) (((keystream[2 * i] & 0xFF) << 8) | (keystream[2 * i + 1] & 0xFF));
        }
    }

    /** Removes an element added before. */
    public void remove(byte[]... parts) {
        expand(parts);
        for (int i = 0; i < LANES; i++) {
            lanes[i] -= (short) (((keystream[2 * i] & 0xFF) << 8) | (keystream[2 * i + 1] & 0xFF));
        }
    }

    /** The 32-byte digest of the current set: SHA-256 of the lanes, big-endian. */
    public byte[] digest() {
        byte[] bytes = new byte[LANES * 2];
        for (int i = 0; i < LANES; i++) {
            bytes[2 * i] = (byte) (lanes[i] >>> 8);
            bytes[2 * i + 1] = (byte) lanes[i];
        }
        sha256.reset();
        return sha256.digest(bytes);
    }

    /** The raw lanes, for snapshots. */
    public byte[] lanesBytes() {
        byte[] bytes = new byte[LANES * 2];
        for (int i = 0; i < LANES; i++) {
            bytes[2 * i] = (byte) (lanes[i] >>> 8);
            bytes[2 * i + 1] = (byte) lanes[i];
        }
        return bytes;
    }

    /** Whether two hashes hold the same set. */
    public boolean sameAs(LtHash other) {
        return Arrays.equals(lanes, other.lanes);
    }

    private void expand(byte[]... parts) {
        sha256.reset();
        for (byte[] part : parts) {
            int n = part.length;
            sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha256.update(part);
        }
        byte[] key = sha256.digest();
        try {
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ZERO_IV));
            aes.doFinal(ZEROS, 0, ZEROS.length, keystream, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
    }
}

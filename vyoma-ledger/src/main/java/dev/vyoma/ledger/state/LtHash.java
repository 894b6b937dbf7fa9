package dev.vyoma.ledger.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * result does not depend on order. An element is named by a 32-byte digest (SHA-256 of its parts, see
 * {@link #elementDigest}); its expansion is the AES-256-CTR keystream keyed with that digest (zero IV),
 * which the JVM runs with AES instructions. Lane {@code i} is the big-endian 16-bit word at byte {@code 2i}.
 *
 * <p>The lanes are kept four to a {@code long} in the keystream's byte order and summed with SWAR
 * arithmetic (carries masked at lane boundaries), which gives exactly the per-lane sums modulo 2^16.
 * Single-threaded; each instance owns its cipher and buffers.
 */
public final class LtHash {
    /** Number of 16-bit lanes. */
    public static final int LANES = 1024;

    /** Bytes of an element digest. */
    public static final int DIGEST_BYTES = 32;

    private static final int WORDS = LANES / 4;
    private static final long HIGH = 0x8000_8000_8000_8000L;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[] ZEROS = new byte[LANES * 2];
    private static final IvParameterSpec ZERO_IV = new IvParameterSpec(new byte[16]);

    private final long[] words = new long[WORDS];
    private final Cipher aes;
    private final MessageDigest sha256;
    private final byte[] keystream = new byte[LANES * 2];
    /** The digest of the lanes as they are, until they change: most blocks' first digest repeats the last. */
    private byte[] digestMemo;

    public LtHash() {
        try {
            aes = Cipher.getInstance("AES/CTR/NoPadding");
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR or SHA-256 missing from this JVM", e);
        }
    }

    /** A copy of another hash's state. */
    public LtHash copy() {
        LtHash h = new LtHash();
        System.arraycopy(words, 0, h.words, 0, WORDS);
        return h;
    }

    /**
     * The digest naming an element given as parts: SHA-256 over each part's length (four bytes,
     * big-endian) followed by the part.
     */
    public static byte[] elementDigest(MessageDigest sha256, byte[]... parts) {
        sha256.reset();
        for (byte[] part : parts) {
            int n = part.length;
            sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha256.update(part);
        }
        return sha256.digest();
    }

    /** Adds an element given as its parts; the same as {@code addDigest(elementDigest(parts))}. */
    public void add(byte[]... parts) {
        addDigest(elementDigest(sha256, parts));
    }

    /** Removes an element given as its parts. */
    public void remove(byte[]... parts) {
        removeDigest(elementDigest(sha256, parts));
    }

    /** Adds the element whose digest is the first 32 bytes of {@code digest}. */
    public void addDigest(byte[] digest) {
        digestMemo = null;
        expand(digest);
        long[] w = words;
        byte[] ks = keystream;
        for (int i = 0; i < WORDS; i++) {
            long a = w[i];
            long b = (long) BIG_ENDIAN_LONG.get(ks, i << 3);
            w[i] = ((a & ~HIGH) + (b & ~HIGH)) ^ ((a ^ b) & HIGH);
        }
    }

    /** Removes the element whose digest is the first 32 bytes of {@code digest}. */
    public void removeDigest(byte[] digest) {
        digestMemo = null;
        expand(digest);
        long[] w = words;
        byte[] ks = keystream;
        for (int i = 0; i < WORDS; i++) {
            long a = w[i];
            long b = (long) BIG_ENDIAN_LONG.get(ks, i << 3);
            w[i] = ((a | HIGH) - (b & ~HIGH)) ^ ((a ^ ~b) & HIGH);
        }
    }

    /** Adds every element of {@code other} (lane-wise sum): the hash of the union of the two multisets. */
    public void addAll(LtHash other) {
        digestMemo = null;
        long[] w = words;
        long[] o = other.words;
        for (int i = 0; i < WORDS; i++) {
            long a = w[i];
            long b = o[i];
            w[i] = ((a & ~HIGH) + (b & ~HIGH)) ^ ((a ^ b) & HIGH);
        }
    }

    /** Empties the set. */
    public void clear() {
        digestMemo = null;
        Arrays.fill(words, 0);
    }

    /** The 32-byte digest of the current set: SHA-256 of the lanes, big-endian. */
    public byte[] digest() {
        if (digestMemo == null) {
            sha256.reset();
            digestMemo = sha256.digest(lanesBytes());
        }
        return digestMemo.clone();
    }

    /** The raw lanes, big-endian, for snapshots. */
    public byte[] lanesBytes() {
        byte[] bytes = new byte[LANES * 2];
        for (int i = 0; i < WORDS; i++) {
            BIG_ENDIAN_LONG.set(bytes, i << 3, words[i]);
        }
        return bytes;
    }

    /** Whether two hashes hold the same set. */
    public boolean sameAs(LtHash other) {
        return Arrays.equals(words, other.words);
    }

    private void expand(byte[] digest) {
        try {
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(digest, 0, DIGEST_BYTES, "AES"), ZERO_IV);
            aes.doFinal(ZEROS, 0, ZEROS.length, keystream, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
    }
}

package dev.vyoma.ledger.crypto;

import dev.vyoma.ledger.codec.ByteRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Supplier;

/** An account address: 20 bytes, written as bech32 with the HRP {@value #HRP}, for example {@code vyoma1…}. */
// The codec encodes this as a record; the bytes are copied in and out and compared, hashed and printed by content.
@SuppressWarnings("ArrayRecordComponent")
public record Address(byte[] bytes) implements Comparable<Address>, ByteRecord {
    /** The bech32 human-readable part of every address. */
    public static final String HRP = "vyoma";
    /** The length of an address. */
    public static final int LENGTH_BYTES = 20;
    /** The smallest address in {@link #compareTo} order, twenty zero bytes; a lower bound for range scans. */
    public static final Address MIN = new Address(new byte[LENGTH_BYTES]);

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BIG_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    public Address {
        bytes = FixedBytes.copyOf(bytes, LENGTH_BYTES, "an address");
    }

    /**
     * The address of an Ed25519 public key: the first 20 bytes of SHA-256 of its 32-byte encoding. This is
     * the rule CometBFT uses for its Ed25519 validator keys, which the Cosmos SDK's ed25519 key type follows
     * too, so tools for those chains derive the same bytes. Akash accounts are secp256k1 keys with another
     * rule, so an Akash account address with its prefix swapped is not a Vyoma address of the same owner.
     */
    public static Address of(PublicKey key) {
        return new Address(Arrays.copyOf(Hashes.sha256(key.bytes()), LENGTH_BYTES));
    }

    /** Parses a bech32 address, checking its checksum, its prefix {@value #HRP} and its length. */
    public static Address parse(String text) {
        Bech32.Decoded decoded = explained(() -> Bech32.decode(text));
        if (!decoded.hrp().equals(HRP)) {
            throw invalid("expected prefix " + HRP + "1, got " + decoded.hrp() + "1…", null);
        }
        byte[] bytes = explained(decoded::bytes);
        if (bytes.length != LENGTH_BYTES) {
            throw invalid("expected " + LENGTH_BYTES + " bytes, got " + bytes.length, null);
        }
        return new Address(bytes);
    }

    /** A copy of the 20 bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The first eight bytes as an unsigned number, moved into signed order ({@code Long.compare} of two
     * prefixes agrees with {@link #compareTo} wherever the prefixes differ): an order hint for indexes.
     */
    public long orderPrefix() {
        return (long) BIG_ENDIAN_LONG.get(bytes, 0) ^ Long.MIN_VALUE;
    }

    /**
     * Orders addresses by their bytes, compared as unsigned numbers. Addresses are the commonest part of the
     * ledger's keys, so this reads them eight bytes at a time rather than calling a general array compare.
     */
    @Override
    public int compareTo(Address other) {
        byte[] a = bytes;
        byte[] b = other.bytes;
        if (a == b) {
            return 0;
        }
        int c = Long.compareUnsigned((long) BIG_ENDIAN_LONG.get(a, 0), (long) BIG_ENDIAN_LONG.get(b, 0));
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned((long) BIG_ENDIAN_LONG.get(a, 8), (long) BIG_ENDIAN_LONG.get(b, 8));
        if (c != 0) {
            return c;
        }
        return Integer.compareUnsigned((int) BIG_ENDIAN_INT.get(a, 16), (int) BIG_ENDIAN_INT.get(b, 16));
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
        if (this == other) {
            return true;
        }
        if (!(other instanceof Address that)) {
            return false;
        }
        byte[] a = bytes;
        byte[] b = that.bytes;
        return (long) BIG_ENDIAN_LONG.get(a, 0) == (long) BIG_ENDIAN_LONG.get(b, 0)
                && (long) BIG_ENDIAN_LONG.get(a, 8) == (long) BIG_ENDIAN_LONG.get(b, 8)
                && (int) BIG_ENDIAN_INT.get(a, 16) == (int) BIG_ENDIAN_INT.get(b, 16);
    }

    /** A hash of all twenty bytes; addresses are hash outputs, so mixing three words spreads them well. */
    @Override
    public int hashCode() {
        long h = (long) BIG_ENDIAN_LONG.get(bytes, 0) * 0x9E3779B97F4A7C15L
                + (long) BIG_ENDIAN_LONG.get(bytes, 8) * 0xC2B2AE3D27D4EB4FL
                + (int) BIG_ENDIAN_INT.get(bytes, 16);
        return (int) (h ^ (h >>> 32));
    }

    /** The result of {@code step}, its error, if any, rephrased as being about an address. */
    private static <T> T explained(Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e);
        }
    }

    private static IllegalArgumentException invalid(String why, Throwable cause) {
        return new IllegalArgumentException("not a vyoma address: " + why, cause);
    }

    /** The bech32 form, {@code vyoma1} and 38 more characters. */
    @Override
    public String toString() {
        return Bech32.encode(HRP, bytes);
    }
}

package dev.vyoma.ledger.crypto;

import dev.vyoma.ledger.codec.ByteRecord;
import java.util.Arrays;
import java.util.function.Supplier;

/** An account address: 20 bytes, written as bech32 with the HRP {@value #HRP}, for example {@code vyoma1…}. */
public record Address(byte[] bytes) implements Comparable<Address>, ByteRecord {
    /** The bech32 human-readable part of every address. */
    public static final String HRP = "vyoma";
    /** The length of an address. */
    public static final int LENGTH_BYTES = 20;
    /** The smallest address in {@link #compareTo} order, twenty zero bytes; a lower bound for range scans. */
    public static final Address MIN = new Address(new byte[LENGTH_BYTES]);

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
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[i] & 0xFF);
        }
        return v ^ Long.MIN_VALUE;
    }

    /** Orders addresses by their bytes, compared as unsigned numbers. */
    @Override
    public int compareTo(Address other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
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
        return this == other || (other instanceof Address that && Arrays.equals(bytes, that.bytes));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
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

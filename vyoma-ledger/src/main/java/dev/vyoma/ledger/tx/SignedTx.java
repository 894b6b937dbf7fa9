package dev.vyoma.ledger.tx;

import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.crypto.Signature;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A transaction with its signer's Ed25519 signature over {@link Tx#signBytes()}. On the wire it is one
 * version byte ({@link Tx#VERSION}) followed by the canonical encoding of the pair: a presence byte, the
 * transaction's body ({@link Tx#encodeBody()}) and the signature's encoding.
 *
 * <p>Immutable. The wire bytes and their SHA-256 (the transaction's name) are computed once, when the
 * transaction is made or decoded, as a node does at admission, so that applying a block neither encodes
 * nor hashes a transaction again.
 */
public final class SignedTx {
    /** Bytes of the signature's encoding at the end of the wire bytes: presence, presence, length, 64 bytes. */
    private static final int SIGNATURE_TAIL = 2 + 4 + Signature.LENGTH_BYTES;

    private final Tx tx;
    private final Signature signature;
    private final byte[] wire;
    private final byte[] hash;

    public SignedTx(Tx tx, Signature signature) {
        this(tx, signature, wire(tx.encodeBody(), Objects.requireNonNull(signature, "signature")));
    }

    private SignedTx(Tx tx, Signature signature, byte[] wire) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.signature = signature;
        this.wire = wire;
        this.hash = Hashes.sha256(wire);
    }

    public Tx tx() {
        return tx;
    }

    public Signature signature() {
        return signature;
    }

    /** The transaction's wire bytes (a copy). */
    public byte[] encode() {
        return wire.clone();
    }

    /** The length of the wire bytes, what the size limit counts. */
    public int wireLength() {
        return wire.length;
    }

    /** SHA-256 of the wire bytes (a copy): the transaction's name. */
    public byte[] hash() {
        return hash.clone();
    }

    /** SHA-256 of the wire bytes, in hex: how transactions are named. */
    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    /** What the signature signs ({@link Tx#signBytes()}), cut from the wire bytes rather than encoded again. */
    public byte[] signBytes() {
        return Tx.signBytes(Arrays.copyOfRange(wire, 2, wire.length - SIGNATURE_TAIL));
    }

    private static byte[] wire(byte[] txBody, Signature signature) {
        byte[] sig = Codec.encode(signature, Signature.class);
        byte[] out = new byte[2 + txBody.length + sig.length];
        out[0] = (byte) Tx.VERSION;
        out[1] = 1;
        System.arraycopy(txBody, 0, out, 2, txBody.length);
        System.arraycopy(sig, 0, out, 2 + txBody.length, sig.length);
        return out;
    }

    /**
     * Reads wire bytes; throws {@link CodecException} if they are not the canonical encoding (of this
     * version) of the transaction they hold.
     */
    public static SignedTx decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != Tx.VERSION) {
            throw new CodecException("unsupported transaction version "
                    + (bytes.length == 0 ? "(empty)" : Integer.toString(bytes[0] & 0xFF)) + "; this node reads version "
                    + Tx.VERSION);
        }
        if (bytes.length < 2 || bytes[1] != 1) {
            throw new CodecException("not a signed transaction: no value after the version byte");
        }
        Codec.Decoded<Tx> tx = Codec.decodeAt(bytes, 2, Tx.class);
        Codec.Decoded<Signature> signature = Codec.decodeAt(bytes, tx.end(), Signature.class);
        if (signature.end() != bytes.length) {
            throw new CodecException("trailing bytes after value: " + (bytes.length - signature.end()));
        }
        if (tx.value() == null || signature.value() == null) {
            throw new CodecException("a signed transaction needs both its transaction and its signature");
        }
        // The wire bytes name the transaction: only the one encoding of its value is accepted, so that no
        // transaction can be sent again under another name.
        SignedTx decoded = new SignedTx(tx.value(), signature.value());
        if (!Arrays.equals(decoded.wire, bytes)) {
            throw new CodecException("not the canonical encoding of the transaction it holds");
        }
        return decoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedTx that && tx.equals(that.tx) && signature.equals(that.signature);
    }

    @Override
    public int hashCode() {
        return 31 * tx.hashCode() + signature.hashCode();
    }

    @Override
    public String toString() {
        return "SignedTx[tx=" + tx + ", signature=" + signature + "]";
    }
}

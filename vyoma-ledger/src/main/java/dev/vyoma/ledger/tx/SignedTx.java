package dev.vyoma.ledger.tx;

import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.crypto.Signature;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A transaction with its signer's Ed25519 signature over {@link Tx#signBytes()}. On the wire it is one
 * version byte ({@link Tx#VERSION}) followed by the canonical encoding.
 */
public record SignedTx(Tx tx, Signature signature) {
    /** The transaction's wire bytes. */
    public byte[] encode() {
        return wire(tx.encodeBody());
    }

    /**
     * The wire bytes, given {@code tx().encodeBody()}: the version byte, then this record's canonical
     * encoding, which is a presence byte, the transaction's body and the signature's encoding.
     */
    public byte[] wire(byte[] txBody) {
        byte[] sig = Codec.encode(signature, Signature.class);
        byte[] out = new byte[2 + txBody.length + sig.length];
        out[0] = (byte) Tx.VERSION;
        out[1] = 1;
        System.arraycopy(txBody, 0, out, 2, txBody.length);
        System.arraycopy(sig, 0, out, 2 + txBody.length, sig.length);
        return out;
    }

    /** Reads wire bytes; throws {@link CodecException} if they are not a canonical encoding of this version. */
    public static SignedTx decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != Tx.VERSION) {
            throw new CodecException("unsupported transaction version "
                    + (bytes.length == 0 ? "(empty)" : Integer.toString(bytes[0] & 0xFF)) + "; this node reads version "
                    + Tx.VERSION);
        }
        return Codec.decode(Arrays.copyOfRange(bytes, 1, bytes.length), SignedTx.class);
    }

    /** SHA-256 of the wire bytes, in hex: how transactions are named. */
    public String hashHex() {
        return HexFormat.of().formatHex(Hashes.sha256(encode()));
    }
}

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
        byte[] body = Codec.encode(this, SignedTx.class);
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) Tx.VERSION;
        System.arraycopy(body, 0, out, 1, body.length);
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

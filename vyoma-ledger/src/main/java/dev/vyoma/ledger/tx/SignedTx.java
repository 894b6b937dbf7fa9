package dev.vyoma.ledger.tx;

import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.crypto.Signature;
import java.util.HexFormat;

/** A transaction with its signer's Ed25519 signature over {@link Tx#signBytes()}. */
public record SignedTx(Tx tx, Signature signature) {
    /** The transaction's wire bytes. */
    public byte[] encode() {
        return Codec.encode(this, SignedTx.class);
    }

    /** Reads wire bytes; throws {@link dev.vyoma.ledger.codec.CodecException} if they are not canonical. */
    public static SignedTx decode(byte[] bytes) {
        return Codec.decode(bytes, SignedTx.class);
    }

    /** SHA-256 of the wire bytes, in hex: how transactions are named. */
    public String hashHex() {
        return HexFormat.of().formatHex(Hashes.sha256(encode()));
    }
}

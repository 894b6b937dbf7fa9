package dev.vyoma.ledger.tx;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.crypto.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * An unsigned transaction: the chain it is for, the signer's public key and sequence, the most fee it
 * may be charged, and its messages, applied all or none. {@link #signBytes()} is what the signer
 * signs: a domain prefix with the format version, then the canonical encoding.
 */
public record Tx(String chainId, PublicKey signer, long sequence, Coin maxFee, List<Msg> msgs, String memo) {
    /** Encoding version; a change of any message's fields is a new version. */
    public static final int VERSION = 1;

    private static final byte[] DOMAIN = ("vyoma/tx/v" + VERSION + "\n").getBytes(StandardCharsets.UTF_8);

    public Tx {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(maxFee, "maxFee");
        msgs = List.copyOf(msgs);
        memo = memo == null ? "" : memo;
    }

    /** The bytes the signer signs. */
    public byte[] signBytes() {
        return signBytes(encodeBody());
    }

    /**
     * The canonical encoding of this transaction ({@code Codec.encode(tx, Tx.class)}), from which both
     * {@link #signBytes(byte[])} and {@link SignedTx#wire(byte[])} are made, so a ledger that needs both
     * encodes the transaction once.
     */
    public byte[] encodeBody() {
        return Codec.encode(this, Tx.class);
    }

    /** The bytes the signer signs, given the transaction's {@link #encodeBody()}: a domain prefix, then the body. */
    public static byte[] signBytes(byte[] body) {
        byte[] out = new byte[DOMAIN.length + body.length];
        System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
        System.arraycopy(body, 0, out, DOMAIN.length, body.length);
        return out;
    }
}

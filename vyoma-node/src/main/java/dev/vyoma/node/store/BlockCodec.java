package dev.vyoma.node.store;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.SignedTx;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a block: a version byte, height, time in milliseconds, the proposer's address, then the
 * transactions as their wire bytes, each with its length. A Raft entry is a block with height 0: the height
 * is given when the entry applies (the next one), so an entry never names a height it cannot have.
 */
public final class BlockCodec {
    /** Format version; readers refuse any other. */
    public static final byte VERSION = 1;

    private BlockCodec() {}

    public static byte[] encode(Block block) {
        int size = 1 + 8 + 8 + Address.LENGTH_BYTES + 4;
        for (SignedTx tx : block.txs()) {
            size += 4 + tx.wireLength();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION).putLong(block.height()).putLong(block.timeMillis());
        byte[] proposer = new byte[Address.LENGTH_BYTES];
        block.proposer().copyBytes(proposer, 0);
        out.put(proposer).putInt(block.txs().size());
        for (SignedTx tx : block.txs()) {
            byte[] wire = tx.encode();
            out.putInt(wire.length).put(wire);
        }
        return out.array();
    }

    /** Reads a block; throws {@link CodecException} with the reason if the bytes are not one. */
    public static Block decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new CodecException(
                        "unsupported block version " + (version & 0xFF) + "; this node reads " + VERSION);
            }
            long height = in.getLong();
            long time = in.getLong();
            byte[] proposer = new byte[Address.LENGTH_BYTES];
            in.get(proposer);
            int n = in.getInt();
            if (n < 0 || n > in.remaining() / 4) {
                throw new CodecException("block claims " + n + " transactions in " + in.remaining() + " bytes");
            }
            List<SignedTx> txs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new CodecException(
                            "transaction " + i + " claims " + length + " bytes, " + in.remaining() + " left");
                }
                byte[] wire = new byte[length];
                in.get(wire);
                txs.add(SignedTx.decode(wire));
            }
            if (in.hasRemaining()) {
                throw new CodecException("trailing bytes after the block: " + in.remaining());
            }
            return new Block(height, time, new Address(proposer), txs);
        } catch (BufferUnderflowException e) {
            throw new CodecException("block is truncated");
        }
    }
}

package dev.vyoma.node.chain;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a block from the mempool at every block interval while this node leads, and hands it to the log
 * (Raft in a node, a list in a test); empty blocks too, since leases are paid per block. It owns no thread
 * and reads no clock: whoever drives it calls {@link #tick} with the time now and calls again at the instant
 * it returns. The block's time is the time of the tick that built it.
 */
public final class BlockProducer {
    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);

    /** Most bytes of transactions in one block (their wire size). */
    public static final long MAX_BLOCK_TX_BYTES = 16L << 20;

    /** Where a built block goes; it returns once the block is committed or refused. */
    public interface Log {
        /**
         * Appends {@code block} (its height is filled in when it is applied); false if it was not committed
         * (the log says why).
         */
        boolean propose(Block block) throws IOException;
    }

    private final Mempool mempool;
    private final Address proposer;
    private final Duration interval;
    private final int maxTxsPerBlock;
    private final BooleanSupplier leading;
    private final Log log;
    private Instant next;
    private long proposed;

    /**
     * A producer of blocks from {@code mempool}, proposed as {@code proposer} every {@code interval} with at
     * most {@code maxTxsPerBlock} transactions each, while {@code leading} says this node leads.
     */
    public BlockProducer(
            Mempool mempool,
            Address proposer,
            Duration interval,
            int maxTxsPerBlock,
            BooleanSupplier leading,
            Log log) {
        this.mempool = Objects.requireNonNull(mempool, "mempool");
        this.proposer = Objects.requireNonNull(proposer, "proposer");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.leading = Objects.requireNonNull(leading, "leading");
        this.log = Objects.requireNonNull(log, "log");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the block interval must be positive, got " + interval);
        }
        if (maxTxsPerBlock < 1) {
            throw new IllegalArgumentException("max transactions per block must be positive, got " + maxTxsPerBlock);
        }
        this.maxTxsPerBlock = maxTxsPerBlock;
    }

    /**
     * Proposes a block if an interval has passed since the last one (the first one interval after the first
     * tick) and this node leads; returns when to tick next. Ticks that fall behind do not make up for lost
     * blocks: the next block is one interval after the late one. A clock that went back more than an interval
     * restarts the schedule from now, so that a wall clock set back does not stop the chain.
     */
    public Instant tick(Instant now) {
        if (next == null || now.isBefore(next.minus(interval))) {
            next = now.plus(interval);
            return next;
        }
        if (now.isBefore(next)) {
            return next;
        }
        Instant due = next.plus(interval);
        next = due.isAfter(now) ? due : now;
        if (!leading.getAsBoolean()) {
            return next;
        }
        List<SignedTx> txs = mempool.reap(maxTxsPerBlock, MAX_BLOCK_TX_BYTES);
        try {
            if (log.propose(new Block(0, now.toEpochMilli(), proposer, txs))) {
                proposed++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("block proposal failed: {}", e.toString());
        }
        return next;
    }

    /** Blocks this producer proposed and the log committed. */
    public long proposed() {
        return proposed;
    }
}

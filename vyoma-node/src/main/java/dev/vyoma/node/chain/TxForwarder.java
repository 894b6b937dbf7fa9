package dev.vyoma.node.chain;

import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sends a follower's pending transactions to the leader, which alone builds blocks: in batches, at every tick
 * that is due and at once after {@link #nudge} (a transaction was just admitted). Each is sent once per
 * leader; when leadership moves, what is still pending goes to the new leader, so a transaction a follower
 * admitted is not lost with the leader it was sent to. The follower keeps its own copy until a block includes
 * it (or evicts it). It owns no thread and reads no clock; the transport is given.
 */
public final class TxForwarder {
    /** Pending transactions looked at in one round at most. */
    public static final int MAX_PER_ROUND = 10_000;

    /** Who leads the group now, as this node sees it. */
    public interface Leadership {
        boolean isLeader();

        Optional<String> leaderId();
    }

    /** Carries one batch to a member. */
    public interface Transport {
        /**
         * Sends {@code batch} to member {@code leaderId}; true if it took the batch (admitted or refused each
         * transaction), false if it could not (then it is sent again in a later round).
         */
        boolean send(String leaderId, List<SignedTx> batch) throws IOException, InterruptedException;
    }

    private final Mempool mempool;
    private final Leadership leadership;
    private final Transport transport;
    private final Duration every;
    private final int maxBatch;
    private final long maxBatchBytes;
    private final Set<String> sent = new HashSet<>();
    private String sentTo;
    private Instant next;
    private boolean nudged;

    /**
     * Forwards from {@code mempool} every {@code every}, in batches of at most {@code maxBatch} transactions
     * and {@code maxBatchBytes} bytes (wire size).
     */
    public TxForwarder(
            Mempool mempool,
            Leadership leadership,
            Transport transport,
            Duration every,
            int maxBatch,
            long maxBatchBytes) {
        this.mempool = Objects.requireNonNull(mempool, "mempool");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.every = Objects.requireNonNull(every, "every");
        if (maxBatch < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Makes the next tick run a round even if it is not due yet. */
    public synchronized void nudge() {
        nudged = true;
    }

    /**
     * Runs a round if one is due (or was asked for); returns when the next one is due. A round sends what is
     * pending and was not yet sent to the current leader; it stops at the first batch the leader does not
     * take.
     */
    public synchronized Instant tick(Instant now) throws IOException, InterruptedException {
        if (next == null) {
            next = now.plus(every);
        }
        if (!nudged && now.isBefore(next)) {
            return next;
        }
        nudged = false;
        if (!now.isBefore(next)) {
            next = now.plus(every);
        }
        round();
        return next;
    }

    private void round() throws IOException, InterruptedException {
        if (leadership.isLeader()) {
            sent.clear();
            sentTo = null;
            return;
        }
        String leader = leadership.leaderId().orElse(null);
        if (leader == null) {
            return;
        }
        if (!leader.equals(sentTo)) {
            sent.clear();
            sentTo = leader;
        }
        List<SignedTx> pending = mempool.reap(MAX_PER_ROUND, Long.MAX_VALUE);
        sent.retainAll(pending.stream().map(SignedTx::hashHex).collect(Collectors.toSet()));
        List<SignedTx> batch = new ArrayList<>();
        long batchBytes = 0;
        for (SignedTx tx : pending) {
            if (sent.contains(tx.hashHex())) {
                continue;
            }
            if (batch.size() == maxBatch || batchBytes + tx.wireLength() > maxBatchBytes) {
                if (!send(leader, batch)) {
                    return;
                }
                batch.clear();
                batchBytes = 0;
            }
            batch.add(tx);
            batchBytes += tx.wireLength();
        }
        if (!batch.isEmpty()) {
            send(leader, batch);
        }
    }

    /**
     * Every transaction of a batch the leader took counts as sent (it admitted it, or refused it because its
     * state is ahead of ours, and our next block evicts it too).
     */
    private boolean send(String leader, List<SignedTx> batch) throws IOException, InterruptedException {
        if (!transport.send(leader, List.copyOf(batch))) {
            return false;
        }
        for (SignedTx tx : batch) {
            sent.add(tx.hashHex());
        }
        return true;
    }
}

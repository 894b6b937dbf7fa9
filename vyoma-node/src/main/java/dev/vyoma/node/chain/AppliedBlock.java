package dev.vyoma.node.chain;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.node.mempool.Mempool;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A proposed block as the ledger applied it: the next height, the proposer's time raised to the last block's
 * if it went backwards, the result, and the transactions the mempool evicted because of it.
 */
public record AppliedBlock(Block block, BlockResult result, List<Mempool.Evicted> evicted) {
    public AppliedBlock {
        evicted = List.copyOf(evicted);
    }

    /**
     * Applies {@code proposed} as the next block of the mempool's ledger and tells the mempool (signatures
     * not yet known are verified on {@code verifiers}). Call it inside {@link Mempool#exclusive}, as every
     * member does for every entry of the log, in the log's order.
     */
    public static AppliedBlock apply(Mempool mempool, Block proposed, Executor verifiers) {
        LedgerState.Meta meta = mempool.ledger().state().meta();
        Block block = new Block(
                meta.height() + 1,
                Math.max(proposed.timeMillis(), meta.timeMillis()),
                proposed.proposer(),
                proposed.txs());
        BlockResult result = mempool.ledger().apply(block, mempool.verdicts(block, verifiers));
        List<Mempool.Evicted> evicted = mempool.committed(block);
        return new AppliedBlock(block, result, evicted);
    }
}

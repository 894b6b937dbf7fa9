package dev.vyoma.ledger;

import dev.vyoma.ledger.event.Event;
import java.util.List;

/**
 * A block's outcome: each transaction's result, every event in order (the block's own, such as escrow
 * run-outs, first), the state commitment after the block, and the block hash chaining it to the last.
 */
public record BlockResult(long height, List<TxResult> txs, List<Event> events, String stateHex, String blockHashHex) {
    public BlockResult {
        txs = List.copyOf(txs);
        events = List.copyOf(events);
    }
}

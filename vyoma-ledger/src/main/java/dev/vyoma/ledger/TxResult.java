package dev.vyoma.ledger;

import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.event.Event;
import java.util.List;

/**
 * What happened to one transaction: applied ({@code code} null), rejected before its messages ran (no
 * fee, no sequence change: {@code charged} false), or rejected by a message after the fee was charged.
 */
public record TxResult(String txHash, ErrorCode code, String log, boolean charged, List<Event> events) {
    public TxResult {
        events = List.copyOf(events);
    }

    public boolean ok() {
        return code == null;
    }
}

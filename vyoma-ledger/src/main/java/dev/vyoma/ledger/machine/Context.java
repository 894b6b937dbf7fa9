package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.event.Event;
import java.util.List;

/** What a message handler sees: the state, the block's height and time, the parameters, and where events go. */
public record Context(LedgerState state, long height, long timeMillis, Params params, List<Event> events) {
    public void emit(Event e) {
        events.add(e);
    }
}

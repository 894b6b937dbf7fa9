package dev.vyoma.sim;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agents send in one block, made into transactions: each signer's messages in one (or, past {@link
 * TxPipeline#MSGS_PER_TX}, a few), a message that may race with another agent's in one of its own, each with the
 * signer's next sequence number.
 */
final class Outbox {
    private final Map<Address, KeyPair> keys;
    private final Metrics metrics;
    private final Map<Address, Long> sequences = new HashMap<>();
    private final Map<Address, List<Msg>> outgoing = new LinkedHashMap<>();
    private final List<Single> singles = new ArrayList<>();

    private record Single(Address signer, Msg msg) {}

    /** An outbox for the agents whose keys are {@code keys}, counting messages in {@code metrics}. */
    Outbox(Map<Address, KeyPair> keys, Metrics metrics) {
        this.keys = keys;
        this.metrics = metrics;
    }

    void send(Address signer, Msg m) {
        outgoing.computeIfAbsent(signer, s -> new ArrayList<>()).add(m);
    }

    /**
     * A message that may race with another agent's (a provider closing a lease the tenant may be closing too): it
     * goes in a transaction of its own, so that if the ledger rejects it no other message goes down with it.
     */
    void sendAlone(Address signer, Msg m) {
        singles.add(new Single(signer, m));
    }

    /** This block's messages as transactions: each agent's in one (or, past the limit, a few). */
    List<TxPipeline.Unsigned> build() {
        if (outgoing.isEmpty() && singles.isEmpty()) {
            return List.of();
        }
        List<TxPipeline.Unsigned> out = new ArrayList<>();
        for (Single s : singles) {
            long seq = sequences.merge(s.signer(), 1L, Long::sum) - 1;
            out.add(new TxPipeline.Unsigned(keys.get(s.signer()), seq, List.of(s.msg())));
            metrics.msgs++;
        }
        singles.clear();
        for (Map.Entry<Address, List<Msg>> e : outgoing.entrySet()) {
            KeyPair k = keys.get(e.getKey());
            List<Msg> msgs = e.getValue();
            for (int i = 0; i < msgs.size(); i += TxPipeline.MSGS_PER_TX) {
                long seq = sequences.merge(e.getKey(), 1L, Long::sum) - 1;
                out.add(new TxPipeline.Unsigned(
                        k, seq, List.copyOf(msgs.subList(i, Math.min(msgs.size(), i + TxPipeline.MSGS_PER_TX)))));
                metrics.msgs += Math.min(msgs.size(), i + TxPipeline.MSGS_PER_TX) - i;
            }
        }
        outgoing.clear();
        return out;
    }
}

package dev.vyoma.ledger;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.SignedTx;
import java.util.List;
import java.util.Objects;

/** A block as the proposer built it: height, time and proposer decided by consensus, and the transactions. */
public record Block(long height, long timeMillis, Address proposer, List<SignedTx> txs) {
    public Block {
        Objects.requireNonNull(proposer, "proposer");
        txs = List.copyOf(txs);
    }
}

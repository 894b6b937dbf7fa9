package dev.vyoma.ledger.market;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.sdl.spec.DecCoin;

/** A lease: the won bid's price per block, paid from the deployment's escrow while active. */
public record Lease(BidId id, LeaseState state, DecCoin price, long createdAt, long closedAt, CloseReason reason) {
    public Lease closed(LeaseState s, long height, CloseReason why) {
        return new Lease(id, s, price, createdAt, height, why);
    }
}

package dev.vyoma.ledger.market;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.sdl.spec.DecCoin;

/** A bid: the price per block for the whole group and the deposit held until the bid ends. */
public record Bid(
        BidId id, BidState state, DecCoin price, Coin deposit, long createdAt, long closedAt, CloseReason reason) {
    public Bid ended(BidState s, long height, CloseReason why) {
        return new Bid(id, s, price, deposit, createdAt, height, why);
    }

    public Bid with(BidState s) {
        return new Bid(id, s, price, deposit, createdAt, closedAt, reason);
    }
}

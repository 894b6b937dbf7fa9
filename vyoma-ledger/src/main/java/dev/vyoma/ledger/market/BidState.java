package dev.vyoma.ledger.market;

/** Lifecycle of a bid: open, active (won, leased), lost (another bid won), closed. */
public enum BidState {
    OPEN,
    ACTIVE,
    LOST,
    CLOSED
}

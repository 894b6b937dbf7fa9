package dev.vyoma.ledger.market;

/** Lifecycle of an order: open for bids, active (leased), closed. */
public enum OrderState {
    OPEN,
    ACTIVE,
    CLOSED
}

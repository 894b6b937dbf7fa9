package dev.vyoma.ledger.deployment;

/** Lifecycle of a group: open (ordering or leased), paused by its owner or provider, out of funds, closed. */
public enum GroupState {
    OPEN,
    PAUSED,
    INSUFFICIENT_FUNDS,
    CLOSED
}

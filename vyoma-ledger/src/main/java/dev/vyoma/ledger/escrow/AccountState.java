package dev.vyoma.ledger.escrow;

/** Lifecycle of an escrow account. */
public enum AccountState {
    OPEN,
    CLOSED,
    /** Ran out of funds: the deployment was closed by the network. */
    EXHAUSTED
}

package dev.vyoma.ledger.market;

/** Lifecycle of a lease: active until closed by a party or by the escrow running out. */
public enum LeaseState {
    ACTIVE,
    INSUFFICIENT_FUNDS,
    CLOSED
}

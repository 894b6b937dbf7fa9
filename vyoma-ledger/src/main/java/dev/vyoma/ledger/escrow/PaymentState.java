package dev.vyoma.ledger.escrow;

/** Lifecycle of a lease's payment. */
public enum PaymentState {
    OPEN,
    CLOSED
}

package dev.vyoma.ledger.inference;

/** Whether an inference account can be charged. */
public enum InferenceAccountState {
    OPEN,
    CLOSED
}

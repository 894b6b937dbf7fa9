/**
 * The ledger: a deterministic state machine that applies blocks of signed transactions to the market's
 * state and returns each transaction's result, the events in order, and a commitment to the new state.
 * {@link dev.vyoma.ledger.Ledger} is the entry point; it does no I/O and reads no clock or randomness.
 */
package dev.vyoma.ledger;

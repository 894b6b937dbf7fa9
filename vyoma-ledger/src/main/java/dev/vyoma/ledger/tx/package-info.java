/**
 * Transactions: the messages of every module (a sealed set), the signed envelope with chain id,
 * sequence and fee limit, and the canonical versioned bytes that are signed and hashed.
 */
package dev.vyoma.ledger.tx;

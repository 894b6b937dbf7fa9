/**
 * The vocabulary every ledger package shares and that depends on none of them: why a transaction is rejected
 * ({@link dev.vyoma.ledger.base.ErrorCode}, {@link dev.vyoma.ledger.base.Rejected}), why a deployment, lease or
 * bid closed ({@link dev.vyoma.ledger.base.CloseReason}), and the one strict way an id or a whole number is read
 * from text ({@link dev.vyoma.ledger.base.IdText}, {@link dev.vyoma.ledger.base.WholeNumber}). The market's
 * packages, the transactions, the events and the root all use it; it uses only the JDK.
 */
package dev.vyoma.ledger.base;

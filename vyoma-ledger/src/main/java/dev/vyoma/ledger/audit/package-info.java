/**
 * Auditors' signatures on provider attributes, which tenants can require through {@code signedBy}.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Audits} applies its messages.
 */
package dev.vyoma.ledger.audit;

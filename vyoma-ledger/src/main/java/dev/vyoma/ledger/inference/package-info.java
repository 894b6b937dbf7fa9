/**
 * Inference accounts: a user prepays coins into an account that names the one gateway allowed to charge it;
 * the gateway settles per-token usage in numbered batches, each charge carrying its exact cost in
 * millionths of a micro-unit (tokens × price per million tokens) and the hash of its per-request records.
 * The ledger pays whole micro-units and carries the fraction in the account, so no part of a charge is
 * rounded away; a charge never exceeds the balance; the owner closes the account and takes the rest.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Inference} applies its messages.
 */
package dev.vyoma.ledger.inference;

/**
 * Deployments and their groups: created from SDL group specs and a manifest version hash, updated,
 * closed; groups paused, started and closed by their owner. Each open group has one open order in the
 * market. Deposit grants (Akash's deposit authorization) let another account fund an owner's deployments
 * up to a limit: the granter pays and gets back what is left.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Deployments} and {@link dev.vyoma.ledger.machine.DepositGrants} apply
 * its messages.
 */
package dev.vyoma.ledger.deployment;

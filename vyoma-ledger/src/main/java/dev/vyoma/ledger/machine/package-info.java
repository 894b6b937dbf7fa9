/**
 * The state machine: {@link dev.vyoma.ledger.machine.LedgerState} (every table and index of the chain's state),
 * {@link dev.vyoma.ledger.machine.Params} (the chain's parameters), {@link dev.vyoma.ledger.machine.Context}
 * (what one transaction sees while it runs: the state, the block, the events it emits) and one handler per
 * module ({@link dev.vyoma.ledger.machine.Bank}, {@link dev.vyoma.ledger.machine.Deployments},
 * {@link dev.vyoma.ledger.machine.Market}, {@link dev.vyoma.ledger.machine.Escrow}, …) that checks a message
 * and applies it. Handlers call each other for cascades (closing a deployment closes its leases, a lease pays
 * from escrow). The records they change live in the module packages below; the root applies whole blocks.
 */
package dev.vyoma.ledger.machine;

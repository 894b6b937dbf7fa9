/**
 * The reverse auction: an order per open group, providers' bids at or under the order's price with a
 * deposit, the lease the tenant creates from one bid (every other open bid of the order is lost and
 * refunded in the same transaction), and lease, bid and order closing with a reason.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Market} applies its messages, and
 * {@link dev.vyoma.ledger.machine.Matching} decides which providers may bid on a group.
 */
package dev.vyoma.ledger.market;

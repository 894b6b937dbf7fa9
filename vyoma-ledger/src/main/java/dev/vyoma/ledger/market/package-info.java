/**
 * The reverse auction: an order per open group, providers' bids at or under the order's price with a
 * deposit, the lease the tenant creates from one bid (every other open bid of the order is lost and
 * refunded in the same transaction), and lease, bid and order closing with a reason.
 */
package dev.vyoma.ledger.market;

/**
 * Ledger state: named tables of records with hash-map point access and the ordered indexes each table
 * declares and keeps current, an undo log that makes each transaction all or nothing, and the state
 * commitment, an LtHash over every (table, key, value) entry that a block updates from the entries it
 * changed only, so its cost follows the block's writes and not the state's size. The commitment's work
 * runs on injected {@link dev.vyoma.ledger.state.Workers}; this package starts no threads.
 */
package dev.vyoma.ledger.state;

/**
 * Ledger state: named tables of records kept in key order, an undo log that makes each transaction all
 * or nothing, and the state commitment, an LtHash over every (table, key, value) entry that a block
 * updates from the entries it changed only, so its cost follows the block's writes and not the state's
 * size.
 */
package dev.vyoma.ledger.state;

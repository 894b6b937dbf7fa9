/** The typed events a block emits, in the order the ledger applied the changes they describe. */
package dev.vyoma.ledger.event;

/** A Vyoma validator node: the ledger replicated with Apache Ratis, its block store and mempool. */
package dev.vyoma.node;

/** The node's block store: full chain history in RocksDB. */
package dev.vyoma.node.store;

/**
 * The node's block store: full chain history (blocks, results, transaction locations) in RocksDB, and the
 * byte form of a block ({@link dev.vyoma.node.store.BlockCodec}) that the store keeps and Raft log entries carry.
 */
package dev.vyoma.node.store;

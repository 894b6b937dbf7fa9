/**
 * The chain as this node runs it: {@link dev.vyoma.node.chain.Node} is the chain's Raft group member (Apache
 * Ratis) with the thread that ticks block production, the stores and its {@link dev.vyoma.node.chain.NodeMetrics}
 * (Prometheus); the Ratis state machine applies each entry through the ledger, stores it and tells the mempool
 * ({@link dev.vyoma.node.chain.AppliedBlock} is that step, shared with tests); the
 * {@link dev.vyoma.node.chain.BlockProducer} builds a block at every interval while this node leads; and the
 * {@link dev.vyoma.node.chain.TxForwarder} sends a follower's pending transactions to the leader. The producer
 * and the forwarder own no thread and read no clock: they are driven by {@code tick(now)}, so a test runs them on
 * one thread with a fake clock.
 */
package dev.vyoma.node.chain;

/**
 * The chain as this node runs it, apart from any thread or socket: the Ratis state machine that applies each
 * entry through the ledger, stores it and tells the mempool ({@link dev.vyoma.node.chain.AppliedBlock} is that
 * step, shared with tests); the {@link dev.vyoma.node.chain.BlockProducer} that builds a block at every
 * interval while this node leads; and the {@link dev.vyoma.node.chain.TxForwarder} that sends a follower's
 * pending transactions to the leader. The producer and the forwarder are driven by {@code tick(now)}, so a
 * test runs them on one thread with a fake clock.
 */
package dev.vyoma.node.chain;

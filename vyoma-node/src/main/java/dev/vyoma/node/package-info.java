/**
 * A Vyoma validator node: {@link dev.vyoma.node.Node} runs the chain's Raft group member (Apache Ratis), the
 * thread that ticks block production, and the stores; {@link dev.vyoma.node.NodeHome} reads and writes a node's
 * home (settings, genesis, key); {@link dev.vyoma.node.NodeMain} runs a node from its home until the process
 * is stopped, and {@link dev.vyoma.node.NodeProcess} starts one as a separate JVM;
 * {@link dev.vyoma.node.LocalChain} is a one-validator chain with its API on free ports for tests and tools;
 * {@link dev.vyoma.node.NodeMetrics} are the Prometheus metrics.
 */
package dev.vyoma.node;

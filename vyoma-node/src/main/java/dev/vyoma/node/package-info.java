/**
 * A Vyoma validator node, put together: {@link dev.vyoma.node.NodeHome} reads and writes a node's home
 * (settings, genesis, key); {@link dev.vyoma.node.NodeMain} runs a node and its API from its home until the
 * process is stopped, and {@link dev.vyoma.node.NodeProcess} starts one as a separate JVM;
 * {@link dev.vyoma.node.LocalChain} is a one-validator chain with its API on free ports for tests and tools, and
 * {@link dev.vyoma.node.NamedKeys} their keys by name. The packages below know nothing of this one.
 */
package dev.vyoma.node;

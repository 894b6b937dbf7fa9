/**
 * The node's pool of transactions waiting for a block, admitted by the ledger's own checks, bounded in count,
 * bytes and per signer, and pruned (evicted) after every block against the new state.
 */
package dev.vyoma.node.mempool;

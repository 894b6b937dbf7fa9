/** The node's pool of transactions waiting for a block, admitted by the ledger's own checks. */
package dev.vyoma.node.mempool;

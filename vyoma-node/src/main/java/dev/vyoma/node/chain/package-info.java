/** Blocks as Raft entries: their encoding, the state machine that applies them, and the block producer. */
package dev.vyoma.node.chain;

/**
 * The indexer: blocks and their events from a {@link dev.vyoma.stats.source.ChainSource} into the statistics
 * database, in order, a batch of blocks per SQL transaction with the cursor in the same transaction, so that a
 * crash never leaves half a block and re-reading a block changes nothing.
 */
package dev.vyoma.stats.index;

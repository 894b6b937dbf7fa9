/**
 * Where the indexer reads the chain: a node over HTTP ({@link dev.vyoma.stats.source.NodeSource}) or a ledger
 * in the same process ({@link dev.vyoma.stats.source.LedgerSource}), both behind {@link
 * dev.vyoma.stats.source.ChainSource}: blocks with their time and typed events, and the few lookups events do
 * not carry (a group's resources, a provider's host).
 */
package dev.vyoma.stats.source;

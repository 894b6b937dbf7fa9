/**
 * Chains scripted through the real ledger for tests, examples and simulations: named keys, signed transactions,
 * blocks at chosen times, each block recorded into a {@link dev.vyoma.stats.source.LedgerSource}.
 */
package dev.vyoma.stats.scenario;

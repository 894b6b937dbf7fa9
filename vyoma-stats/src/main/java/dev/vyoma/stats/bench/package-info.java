/**
 * Measurements of the statistics module: a report over millions of synthetic leases and payments in DuckDB, and
 * the indexing rate of a chain scripted through the real ledger ({@code vyoma stats bench}).
 */
package dev.vyoma.stats.bench;

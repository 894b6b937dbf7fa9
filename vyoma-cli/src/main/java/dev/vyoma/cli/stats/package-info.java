/**
 * {@code vyoma stats …}: index a chain into SQL, print period reports, serve the dashboard, store USD price
 * tables, generate calibrated scenarios and the documentation's example, and measure the indexer and the report.
 */
package dev.vyoma.cli.stats;

/**
 * {@code vyoma sim …}: run the market simulator from a scenario and print its report.
 */
package dev.vyoma.cli.sim;

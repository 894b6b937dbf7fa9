/**
 * {@code vyoma query …}: reads of the chain through a node's API (bank, transactions, status, the
 * marketplace, inference accounts), printed as tables or as JSON or YAML.
 */
package dev.vyoma.cli.query;

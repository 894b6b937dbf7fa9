/**
 * {@code vyoma node …}: initialise and run a validator, and write a testnet's homes.
 */
package dev.vyoma.cli.node;

/**
 * {@code vyoma tx …}: transaction subcommands. Each declares its options and builds its message;
 * {@link dev.vyoma.cli.tx.SignedTxCommand} unlocks the key, signs, sends, waits and prints the outcome.
 */
package dev.vyoma.cli.tx;

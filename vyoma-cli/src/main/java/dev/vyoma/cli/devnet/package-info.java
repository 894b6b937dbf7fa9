/**
 * {@code vyoma devnet}: a local network (validators, providers, optionally an inference gateway) in one
 * command, and the choice of the engine its providers run workloads on.
 */
package dev.vyoma.cli.devnet;

/**
 * {@code vyoma bench …}: benchmarks of the node and of the inference gateway, reported against a
 * reference measured in the same run.
 */
package dev.vyoma.cli.bench;

/**
 * JMH benchmarks for Vyoma, built into {@code benchmarks/target/benchmarks.jar} and run with
 * {@code bin/bench}; each class documents what one operation is. For example
 * {@link dev.vyoma.benchmarks.SdlParseBenchmark} reads one Akash SDL file per operation (YAML, validation,
 * group specs, manifest and manifest version hash, optionally the JSON output) from a corpus loaded once,
 * so its scores read directly as time per file. {@code docs/benchmarks.md} says how to run them and records
 * the figures measured, with the references they are compared against in the same run.
 */
package dev.vyoma.benchmarks;

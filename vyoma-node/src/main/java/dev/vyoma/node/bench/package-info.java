/**
 * The {@code vyoma bench node} load test: validator processes on loopback and clients with one transaction
 * in flight each, reporting committed transactions per second and commit latency.
 */
package dev.vyoma.node.bench;

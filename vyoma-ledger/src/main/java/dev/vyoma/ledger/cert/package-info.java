/**
 * Certificates tenants and providers publish for mutual TLS, and their revocation.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Certificates} applies its messages.
 */
package dev.vyoma.ledger.cert;

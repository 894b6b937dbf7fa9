/**
 * Providers: who they are (owner address), where their gateway is (host URI), and the attributes they declare.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Providers} applies its messages.
 */
package dev.vyoma.ledger.provider;

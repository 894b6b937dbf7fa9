/**
 * Accounts and coins: each account's coins (one amount per denomination) and the sequence number that
 * stops replays, the fee sink, and transfers between accounts.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Bank} applies its messages.
 */
package dev.vyoma.ledger.bank;

/**
 * Accounts and coins: balances per owner and denomination, sequence numbers that stop replays, the
 * fee sink, and transfers between accounts.
 */
package dev.vyoma.ledger.bank;

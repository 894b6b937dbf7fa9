/**
 * Accounts and coins: each account's coins (one amount per denomination) and the sequence number that
 * stops replays, the fee sink, and transfers between accounts.
 */
package dev.vyoma.ledger.bank;

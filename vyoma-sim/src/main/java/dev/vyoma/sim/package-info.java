/**
 * The market simulator: a scenario of providers, tenants and events runs on a simulated clock through the real
 * ledger ({@code vyoma-ledger}) and the real bid engine ({@code vyoma-provider}'s inventory, price list and
 * engine), deterministically from one seed, and its chain is indexed by {@code vyoma-stats}.
 */
package dev.vyoma.sim;

/**
 * The market simulator: a scenario of providers, tenants and events runs on a simulated clock through the real
 * ledger ({@code vyoma-ledger}) and the real bid engine ({@code vyoma-provider}'s inventory, price list and
 * engine), deterministically from one seed, and its chain is indexed by {@code vyoma-stats}. {@code MarketSim} is
 * the event loop (a block applied, the agents react, actions due, arrivals, samples, transactions signed while the
 * next block applies); {@code ScenarioCalendar} holds time, rates and the action queue, {@code TenantAgents} and
 * {@code ProviderAgents} the two sides' behaviour, and {@code Outbox} turns what they send into transactions.
 */
package dev.vyoma.sim;

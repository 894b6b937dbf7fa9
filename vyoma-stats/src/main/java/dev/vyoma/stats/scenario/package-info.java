/**
 * Chains scripted through the real ledger for tests, examples and simulations: named keys, signed transactions,
 * blocks at chosen times, each block recorded into a {@link dev.vyoma.stats.source.LedgerSource}; and calibrated
 * scenarios ({@link dev.vyoma.stats.scenario.ScenarioSpec}, run by {@link
 * dev.vyoma.stats.scenario.CalibratedScenario}, its providers modelled by {@code ScenarioProvider}) that steer such
 * a chain and its providers' status answers to published figures and index them into a statistics database.
 */
package dev.vyoma.stats.scenario;

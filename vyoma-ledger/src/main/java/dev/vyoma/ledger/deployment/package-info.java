/**
 * Deployments and their groups: created from SDL group specs and a manifest version hash, updated,
 * closed; groups paused, started and closed by their owner. Each open group has one open order in the
 * market.
 */
package dev.vyoma.ledger.deployment;

/**
 * The gateway: the OpenAI-compatible front door. It authenticates API keys bound to ledger accounts, refuses
 * what a key's balance or rate limit cannot cover before any work is done, routes each request to the least
 * loaded healthy replica of its model (failing over when one dies), leases replicas on the market between a
 * minimum and a maximum, meters tokens and settles the exact charges on the ledger in batches.
 */
package dev.vyoma.inference.gateway;

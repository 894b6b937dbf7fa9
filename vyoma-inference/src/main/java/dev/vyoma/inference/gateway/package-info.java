/**
 * The gateway: the OpenAI-compatible front door. It authenticates API keys bound to ledger accounts, refuses
 * what a key's balance or rate limit cannot cover before any work is done, routes each request to the least
 * loaded healthy replica of its model (failing over when one dies), leases replicas on the market between a
 * minimum and a maximum, meters tokens and settles the exact charges on the ledger in batches. {@code
 * InferenceGateway} is the runtime shell (server, threads); {@code GatewayRoutes} answers the HTTP API, {@code
 * WorkerRelay} forwards a completion to a replica and relays its answer, and {@code GatewaySupervisor}, driven by
 * {@code tick(now)}, checks health, scales and settles.
 */
package dev.vyoma.inference.gateway;

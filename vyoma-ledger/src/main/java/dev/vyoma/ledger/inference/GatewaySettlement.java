package dev.vyoma.ledger.inference;

import dev.vyoma.ledger.crypto.Address;

/** A gateway's settlement progress: its last batch number (batches go 1, 2, 3, …) and what it has taken. */
public record GatewaySettlement(Address gateway, long lastBatch, long chargedTotal) {}

package dev.vyoma.ledger.inference;

import dev.vyoma.ledger.crypto.Address;

/**
 * One account's part of a gateway's batch: how many requests and tokens, their exact cost in millionths of a
 * micro-unit (Σ tokens × price per million tokens), and the SHA-256 (hex) of the per-request records the
 * gateway keeps and shows the owner, so that the owner can check them against the chain.
 */
public record InferenceCharge(
        Address owner, long requests, long inputTokens, long outputTokens, long costPico, String recordsHashHex) {}

package dev.vyoma.ledger.inference;

/**
 * A settled charge as the chain keeps it: the batch's counts and exact cost, the whole micro-units paid to
 * the gateway, the carry after it, the records' hash and the height it settled at.
 */
public record InferenceChargeRecord(
        InferenceChargeKey key,
        long requests,
        long inputTokens,
        long outputTokens,
        long costPico,
        long paid,
        long carryPico,
        String recordsHashHex,
        long height) {}

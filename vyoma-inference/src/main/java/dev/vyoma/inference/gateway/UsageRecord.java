package dev.vyoma.inference.gateway;

import dev.vyoma.ledger.crypto.Address;

/**
 * One metered request: who paid (the key's account), the model, the exact token counts the worker reported,
 * the prices it was charged at and its exact cost in millionths of a micro-unit; {@code batch} is the ledger
 * batch that settled it (0 until then).
 */
public record UsageRecord(
        String id,
        long timeMillis,
        Address owner,
        String keyId,
        String model,
        long inputTokens,
        long outputTokens,
        long inputMicroPerMillion,
        long outputMicroPerMillion,
        long costPico,
        long batch) {
    /** The record as it enters its batch's hash: one line, fields in this order, separated by {@code |}. */
    public String canonicalLine() {
        return id + "|" + timeMillis + "|" + keyId + "|" + model + "|" + inputTokens + "|" + outputTokens + "|"
                + inputMicroPerMillion + "|" + outputMicroPerMillion + "|" + costPico + "\n";
    }

    UsageRecord settledIn(long b) {
        return new UsageRecord(
                id,
                timeMillis,
                owner,
                keyId,
                model,
                inputTokens,
                outputTokens,
                inputMicroPerMillion,
                outputMicroPerMillion,
                costPico,
                b);
    }
}

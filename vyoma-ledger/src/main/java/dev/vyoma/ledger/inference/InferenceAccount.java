package dev.vyoma.ledger.inference;

import dev.vyoma.ledger.Invariants;

/**
 * A prepaid account a gateway may charge for inference.
 *
 * @param balance whole micro-units left
 * @param carryPico what has been charged beyond the whole micro-units paid, in millionths of a micro-unit
 *     (always below {@link Inference#PICO_PER_MICRO}); it joins the next charge
 * @param depositedTotal every deposit since the account opened
 * @param chargedTotal every whole micro-unit the gateway took
 * @param lastBatch the gateway's last batch that charged this account (0: none)
 */
public record InferenceAccount(
        InferenceAccountId id,
        String denom,
        long balance,
        long carryPico,
        long depositedTotal,
        long chargedTotal,
        long lastBatch,
        InferenceAccountState state,
        long openedHeight) {
    public InferenceAccount {
        Invariants.check(balance >= 0, "an inference account's balance is not negative");
        Invariants.check(carryPico >= 0 && carryPico < Inference.PICO_PER_MICRO, "the carry is below one micro-unit");
    }
}

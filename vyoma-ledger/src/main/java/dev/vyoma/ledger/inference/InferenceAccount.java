package dev.vyoma.ledger.inference;

import dev.vyoma.ledger.base.Invariant;

/**
 * A prepaid account a gateway may charge for inference.
 *
 * @param balance whole micro-units left
 * @param carryPico what has been charged beyond the whole micro-units paid, in millionths of a micro-unit
 *     (always below {@link #PICO_PER_MICRO}); it joins the next charge
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
    /** Millionths of a micro-unit in one micro-unit: prices are per million tokens. */
    public static final long PICO_PER_MICRO = 1_000_000L;

    public InferenceAccount {
        Invariant.check(balance >= 0, "an inference account's balance is not negative");
        Invariant.check(carryPico >= 0 && carryPico < PICO_PER_MICRO, "the carry is below one micro-unit");
    }
}

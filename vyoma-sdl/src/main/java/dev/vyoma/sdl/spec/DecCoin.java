package dev.vyoma.sdl.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A decimal amount of a denomination with exactly 18 decimal places, as Cosmos' {@code DecCoin}: used
 * for prices per block, which may be fractions of the smallest coin unit.
 */
public record DecCoin(String denom, BigDecimal amount) {
    /** Decimal places every amount carries. */
    public static final int SCALE = 18;

    public DecCoin {
        Objects.requireNonNull(denom, "denom");
        amount = amount.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    /** The amount as Akash prints it: plain digits, always 18 decimals. */
    public String amountString() {
        return amount.toPlainString();
    }

    /** This price times a replica count. */
    public DecCoin times(long count) {
        return new DecCoin(denom, amount.multiply(BigDecimal.valueOf(count)));
    }

    @Override
    public String toString() {
        return amountString() + denom;
    }
}

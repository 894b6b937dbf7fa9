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

    /** Most digits before the decimal point: 10^40 is far beyond any supply, and keeps every amount small. */
    public static final int MAX_INTEGER_DIGITS = 40;

    /** Most decimal places accepted in an input; places past {@link #SCALE} must be zeros. */
    public static final int MAX_INPUT_SCALE = 2 * SCALE;

    public DecCoin {
        Objects.requireNonNull(denom, "denom");
        // Bounded before rescaling: a scale of -60,000,000 would otherwise expand into millions of digits.
        if (amount.scale() > MAX_INPUT_SCALE || amount.precision() - (long) amount.scale() > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException("amount has more than " + MAX_INTEGER_DIGITS
                    + " digits before the decimal point or more than " + MAX_INPUT_SCALE + " after it");
        }
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

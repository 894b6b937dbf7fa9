package dev.vyoma.ledger.bank;

import java.util.Objects;
import java.util.regex.Pattern;

/** A whole number of micro-units of one denomination, such as {@code 5000000uusd}. */
public record Coin(String denom, long amount) {
    /** Cosmos' denomination syntax. */
    public static final Pattern DENOM = Pattern.compile("^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$");

    private static final Pattern TEXT = Pattern.compile("^(\\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$");

    public Coin {
        Objects.requireNonNull(denom, "denom");
        if (!DENOM.matcher(denom).matches()) {
            throw new IllegalArgumentException("invalid denomination \"" + denom + "\"");
        }
        if (amount < 0) {
            throw new IllegalArgumentException("a coin amount cannot be negative: " + amount + denom);
        }
    }

    /** Parses {@code 5000000uusd}. */
    public static Coin parse(String text) {
        var m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an amount such as 5000000uusd");
        }
        try {
            return new Coin(m.group(2), Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount in \"" + text + "\" is too large");
        }
    }

    public boolean isZero() {
        return amount == 0;
    }

    @Override
    public String toString() {
        return amount + denom;
    }
}

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
        if (!validDenom(denom)) {
            throw new IllegalArgumentException("invalid denomination \"" + denom + "\"");
        }
        if (amount < 0) {
            throw new IllegalArgumentException("a coin amount cannot be negative: " + amount + denom);
        }
    }

    /**
     * Whether {@code denom} has Cosmos' denomination syntax ({@link #DENOM}), checked without a regular
     * expression: coins are made on every ledger path, and a matcher per coin was a measurable cost.
     */
    public static boolean validDenom(String denom) {
        int n = denom.length();
        if (n < 3 || n > 128 || !letter(denom.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = denom.charAt(i);
            if (!letter(c) && !(c >= '0' && c <= '9') && c != '/' && c != ':' && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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

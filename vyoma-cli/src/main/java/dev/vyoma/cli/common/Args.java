package dev.vyoma.cli.common;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Command-line arguments parsed once into the ledger's typed values (by the ledger's own parsers); a value
 * that does not parse is a {@link UserException} that names the argument and says what was expected.
 */
public final class Args {
    private Args() {}

    /** An amount and a denom, e.g. {@code 1000000uusd}; the message is the parser's alone. */
    public static Coin coin(String text) {
        try {
            return Coin.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** An amount and a denom, e.g. {@code 1000000uusd}; the message starts with {@code what}. */
    public static Coin coin(String text, String what) {
        try {
            return Coin.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": " + e.getMessage());
        }
    }

    /** A decimal amount and a denom, e.g. {@code 12.5uusd}. */
    public static DecCoin decCoin(String text, String what) {
        int i = 0;
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        try {
            return new DecCoin(text.substring(i), new BigDecimal(text.substring(0, i)));
        } catch (RuntimeException e) {
            throw new UserException(what + " is an amount and a denom, e.g. 12.5uusd; got " + text);
        }
    }

    /** An account's address. */
    public static Address address(String text, String what) {
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": " + e.getMessage());
        }
    }

    /** A deployment's sequence number, in its one canonical spelling (the ledger's parser). */
    public static long number(String text, String what) {
        try {
            return WholeNumber.parse(text, what, 1, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER/DSEQ/GSEQ/OSEQ}, parsed by the ledger's own parser. */
    public static OrderId order(String text) {
        try {
            return OrderId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}, parsed by the ledger's own parser. */
    public static BidId bid(String text) {
        try {
            return BidId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER} and {@code DSEQ} given apart, parsed by the ledger's own parser. */
    public static DeploymentId deployment(String owner, String dseq) {
        try {
            return DeploymentId.parse(owner, dseq);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * A duration such as {@code 1s}, {@code 500ms} or {@code 6s}, in milliseconds, at least 10 ms. Its messages
     * name {@code --block-interval}, the option it was first written for, whichever option it reads.
     */
    public static long millis(String text) {
        try {
            String t = text.trim().toLowerCase(Locale.ROOT);
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else {
                throw new NumberFormatException();
            }
            if (d.toMillis() < 10) {
                throw new UserException("--block-interval must be at least 10ms, got " + text);
            }
            return d.toMillis();
        } catch (NumberFormatException e) {
            throw new UserException("--block-interval is a duration such as 1s, 500ms or 6s; got " + text);
        }
    }

    /** The longest duration an option takes: a year. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    /**
     * A positive duration in whole units, such as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h} or
     * {@code 7d}, at most a year; the message names {@code what}.
     */
    public static Duration duration(String text, String what) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && i < 12 && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
        }
        String unit = t.substring(i);
        Duration d = null;
        if (i > 0 && i < 12) {
            long n = Long.parseLong(t.substring(0, i));
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> null;
            };
        }
        if (d == null || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new UserException(what + " is a positive duration up to a year such as 500ms, 30s, 15m, 24h or 7d;"
                    + " got " + WholeNumber.shown(text == null ? "" : text));
        }
        return d;
    }
}

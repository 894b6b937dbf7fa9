package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.Msg;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Deposit grants (Akash's deposit authorization): {@code vyoma tx deployment grant GRANTEE --spend-limit COIN
 * [--expiration WHEN] --from GRANTER} and {@code vyoma tx deployment revoke GRANTEE --from GRANTER}. The grantee
 * draws on a grant with {@code --depositor GRANTER} on {@code tx deployment create|deposit} and {@code vyoma deploy}.
 */
final class DepositGrantTxCommands {
    /** The longest expiry given as a duration from now. */
    static final Duration MAX_EXPIRATION = Duration.ofDays(36_500);

    private static final Pattern DURATION = Pattern.compile("^([1-9][0-9]{0,9})(s|m|h|d)$");

    private DepositGrantTxCommands() {}

    @Command(
            name = "grant",
            description = {
                "Let GRANTEE fund its deployments from your balance, up to --spend-limit in all:",
                "vyoma tx deployment grant GRANTEE --spend-limit 10000000uusd [--expiration 30d] --from GRANTER.",
                "What is left of a deposit it made comes back to you when the deployment closes.",
                "Granting again replaces the grant; its limit counts from zero."
            })
    static final class Grant extends SignedTxCommand {
        @Parameters(paramLabel = "GRANTEE", description = "The tenant allowed to draw on the grant.")
        String grantee;

        @Option(
                names = "--spend-limit",
                required = true,
                description = "The most the grantee may draw in all, in the deposit denomination, e.g. 10000000uusd.")
        String spendLimit;

        @Option(
                names = "--expiration",
                description = "When the grant stops, in block time: a UTC time such as 2027-01-31T00:00:00Z, or a"
                        + " duration from now such as 30d, 12h, 90m (default: no expiry).")
        String expiration;

        @Override
        protected Message prepare() {
            Address to = Args.address(grantee, "GRANTEE");
            Coin limit = Args.coin(spendLimit, "--spend-limit");
            if (limit.amount() <= 0) {
                throw new UserException("--spend-limit must be more than zero, e.g. 10000000uusd");
            }
            long expiresAtMillis = expiration == null ? 0 : expiresAtMillis(expiration, Clock.systemUTC());
            return key -> {
                if (key.address().equals(to)) {
                    throw new UserException("GRANTEE is the --from account itself; fund your own deployments directly");
                }
                return new Msg.GrantDeposit(key.address(), to, limit, expiresAtMillis);
            };
        }
    }

    @Command(
            name = "revoke",
            description = {
                "Withdraw your deposit grant to GRANTEE: vyoma tx deployment revoke GRANTEE --from GRANTER.",
                "Deposits it already made stay with their deployments (and come back to you when they close)."
            })
    static final class Revoke extends SignedTxCommand {
        @Parameters(paramLabel = "GRANTEE")
        String grantee;

        @Override
        protected Message prepare() {
            Address to = Args.address(grantee, "GRANTEE");
            return key -> new Msg.RevokeDepositGrant(key.address(), to);
        }
    }

    /**
     * {@code --expiration} as block-time milliseconds: an ISO-8601 UTC instant, or a duration from {@code now}
     * ({@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, at most {@link #MAX_EXPIRATION}). A time not after now
     * is refused here; the ledger refuses one not after the block's time.
     */
    static long expiresAtMillis(String text, Clock now) {
        String t = text.strip();
        Instant at;
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.compareTo(MAX_EXPIRATION) > 0) {
                throw new UserException("--expiration is at most " + MAX_EXPIRATION.toDays() + "d from now; got " + t);
            }
            at = now.instant().plus(d);
        } else {
            try {
                at = Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw new UserException("--expiration is a UTC time such as 2027-01-31T00:00:00Z or a duration such"
                        + " as 30d, 12h or 90m; got " + (t.length() > 40 ? t.substring(0, 40) + "…" : t));
            }
            if (!at.isAfter(now.instant())) {
                throw new UserException("--expiration " + t + " is not in the future");
            }
            if (at.isAfter(now.instant().plus(MAX_EXPIRATION))) {
                throw new UserException("--expiration is at most " + MAX_EXPIRATION.toDays() + "d from now; got " + t);
            }
        }
        return at.toEpochMilli();
    }
}

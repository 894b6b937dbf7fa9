package dev.vyoma.cli.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.cli.common.UserException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@code --expiration} is parsed at the edge into block-time milliseconds, or refused with what to write. */
class GrantExpirationTest {
    private static final Instant NOW = Instant.parse("2026-12-07T18:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void durationsCountFromNowAndTimesAreTakenAsGiven() {
        assertThat(DepositGrantTxCommands.expiresAtMillis("30d", CLOCK))
                .isEqualTo(NOW.plusSeconds(30L * 86_400).toEpochMilli());
        assertThat(DepositGrantTxCommands.expiresAtMillis("12h", CLOCK))
                .isEqualTo(NOW.plusSeconds(12L * 3_600).toEpochMilli());
        assertThat(DepositGrantTxCommands.expiresAtMillis("90m", CLOCK))
                .isEqualTo(NOW.plusSeconds(90L * 60).toEpochMilli());
        assertThat(DepositGrantTxCommands.expiresAtMillis("45s", CLOCK))
                .isEqualTo(NOW.plusSeconds(45).toEpochMilli());
        assertThat(DepositGrantTxCommands.expiresAtMillis("2027-01-31T00:00:00Z", CLOCK))
                .isEqualTo(Instant.parse("2027-01-31T00:00:00Z").toEpochMilli());
        // The longest allowed, and one day past it.
        assertThat(DepositGrantTxCommands.expiresAtMillis("36500d", CLOCK))
                .isEqualTo(NOW.plus(DepositGrantTxCommands.MAX_EXPIRATION).toEpochMilli());
        assertThatThrownBy(() -> DepositGrantTxCommands.expiresAtMillis("36501d", CLOCK))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("at most 36500d");
    }

    @Test
    void pastTimesZeroNegativeAndGarbageAreRefused() {
        for (String bad : new String[] {"0d", "-5d", "5", "5y", "1.5h", "", "99999999999d", "tomorrow", "${jndi:x}"}) {
            assertThatThrownBy(() -> DepositGrantTxCommands.expiresAtMillis(bad, CLOCK))
                    .as(bad)
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("--expiration");
        }
        assertThatThrownBy(() -> DepositGrantTxCommands.expiresAtMillis("2026-12-07T18:00:00Z", CLOCK))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not in the future");
        assertThatThrownBy(() -> DepositGrantTxCommands.expiresAtMillis("+1000000000-12-31T23:59:59Z", CLOCK))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("at most 36500d");
        assertThatThrownBy(() -> DepositGrantTxCommands.expiresAtMillis("x".repeat(100_000), CLOCK))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("got xxxxxxxx")
                .hasMessageNotContaining("x".repeat(100));
    }
}

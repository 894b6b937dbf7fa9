package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link EscrowView}: it agrees with the ledger's run-out rule, {@code h + ceil(funds / rate)}. */
class EscrowViewTest {
    private static final DeploymentId ID = new DeploymentId(
            KeyPair.fromSeed(Arrays.copyOf("escrow-view".getBytes(StandardCharsets.UTF_8), 32))
                    .address(),
            7);

    private static EscrowView view(String balance, String rate, long height, long runOut, long intervalMs) {
        return new EscrowView(
                ID,
                "open",
                "uusd",
                height,
                Instant.parse("2026-01-01T00:00:00Z"),
                Duration.ofMillis(intervalMs),
                new BigDecimal(balance).setScale(18),
                new BigDecimal(rate).setScale(18),
                runOut);
    }

    /** The ledger's run-out height for {@code funds} at {@code rate} settled at {@code height} (capped as it caps it). */
    private static long ledgerRunOut(long height, BigDecimal funds, BigDecimal rate) {
        BigDecimal blocks = funds.divide(rate, 0, RoundingMode.CEILING);
        return height + blocks.min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValueExact();
    }

    @Test
    void topUpPutsTheRunOutExactlyKeepAfterTheNextBlock() {
        for (String rate : new String[] {"1", "9.5", "0.000000000000000001", "12345.678901234567890123"}) {
            for (String balance : new String[] {"0", "3", "1000.25", "99999"}) {
                BigDecimal r = new BigDecimal(rate);
                BigDecimal b = new BigDecimal(balance);
                long h = 1_000;
                EscrowView v = view(balance, rate, h, ledgerRunOut(h, b, r), 6_000);
                Duration keep = Duration.ofHours(24);
                long blocks = v.blocksFor(keep);
                assertThat(blocks).isEqualTo(14_400);
                long deposit = v.topUpFor(keep);
                if (deposit == 0) {
                    assertThat(v.runOutHeight()).isGreaterThanOrEqualTo(h + 1 + blocks);
                    continue;
                }
                // Enough: the run-out is at least keep after the next block; one micro-unit less is not enough.
                BigDecimal after = b.add(BigDecimal.valueOf(deposit));
                assertThat(ledgerRunOut(h, after, r)).isGreaterThanOrEqualTo(h + 1 + blocks);
                BigDecimal less = b.add(BigDecimal.valueOf(deposit - 1));
                assertThat(less.compareTo(r.multiply(BigDecimal.valueOf(blocks + 1))))
                        .isNegative();
            }
        }
    }

    @Test
    void burnPerDayAndRunOutTimeFollowTheBlockInterval() {
        EscrowView v = view("500", "10", 100, 150, 6_000);
        assertThat(v.perDay()).isEqualByComparingTo("144000");
        assertThat(v.blocksLeft()).isEqualTo(50);
        assertThat(v.runOutTime()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(view("1", "1", 1, 2, 7).perDay())
                .isEqualByComparingTo(new BigDecimal("12342857.142857142857142857"));
        assertThat(view("1", "1", 1, 2, 7).blocksFor(Duration.ofMillis(15))).isEqualTo(3);
    }

    @Test
    void nothingPaysFromAnAccountWithoutLeasesOrClosed() {
        EscrowView idle = view("500", "0", 100, 0, 1_000);
        assertThat(idle.paying()).isFalse();
        assertThat(idle.blocksLeft()).isZero();
        assertThat(idle.topUpFor(Duration.ofHours(1))).isZero();
        EscrowView closed = new EscrowView(
                ID, "exhausted", "uusd", 10, Instant.EPOCH, Duration.ofSeconds(1), BigDecimal.ZERO, BigDecimal.ONE, 9);
        assertThat(closed.paying()).isFalse();
        assertThat(closed.topUpFor(Duration.ofHours(1))).isZero();
    }
}

package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Scaling decisions on a given clock: replace below the minimum, grow under load, shrink when idle. */
class ScalerTest {
    private static Scaler.Observation seen(int healthy, int starting, int load, double ttftMs) {
        return new Scaler.Observation(healthy, starting, load, ttftMs);
    }

    @Test
    void belowTheMinimumOneMoreEveryTime() {
        Scaler s = new Scaler(2, 4, 4, 1_000, 5_000, 60_000);
        assertThat(s.decide(seen(0, 0, 0, -1), 0)).isEqualTo(1);
        assertThat(s.decide(seen(0, 1, 0, -1), 1)).isEqualTo(1);
        assertThat(s.decide(seen(1, 1, 0, -1), 2)).isZero();
    }

    @Test
    void queueDepthOrLatencyGrowsUpToTheMaximumOncePerCoolDown() {
        Scaler s = new Scaler(1, 3, 4, 1_000, 5_000, 60_000);
        assertThat(s.decide(seen(1, 0, 4, 100), 0)).as("at the target").isZero();
        assertThat(s.decide(seen(1, 0, 5, 100), 1_000)).as("over it").isEqualTo(1);
        assertThat(s.decide(seen(2, 0, 20, 100), 2_000)).as("cooling down").isZero();
        assertThat(s.decide(seen(2, 0, 20, 100), 6_000)).isEqualTo(1);
        assertThat(s.decide(seen(3, 0, 50, 100), 20_000)).as("at the maximum").isZero();
        Scaler slow = new Scaler(1, 3, 4, 1_000, 5_000, 60_000);
        assertThat(slow.decide(seen(1, 0, 1, 1_500), 0)).as("slow first tokens").isEqualTo(1);
        assertThat(slow.decide(seen(1, 1, 9, 1_500), 10_000))
                .as("one on its way")
                .isZero();
    }

    @Test
    void idleForTheWholePeriodShrinksToTheMinimum() {
        Scaler s = new Scaler(1, 3, 4, 1_000, 5_000, 60_000);
        assertThat(s.decide(seen(3, 0, 2, 100), 0)).isZero();
        assertThat(s.decide(seen(3, 0, 0, 100), 30_000))
                .as("idle, not long enough")
                .isZero();
        assertThat(s.decide(seen(3, 0, 0, 100), 60_000)).isEqualTo(-1);
        assertThat(s.decide(seen(1, 0, 0, 100), 200_000))
                .as("never below the minimum")
                .isZero();
    }
}

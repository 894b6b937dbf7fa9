package dev.vyoma.provider.runtime.container;

import java.time.Duration;

/**
 * How long a replica that exited waits before its next start: {@code initial}, doubled after each exit in a row,
 * at most {@code max}; a replica that has run for {@code resetAfter} starts again from {@code initial}. As the
 * kubelet's crash-loop backoff, so a crashing replica costs the host little.
 */
public record Backoff(Duration initial, Duration max, Duration resetAfter) {
    public static final Duration INITIAL = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofMinutes(5);
    public static final Duration RESET_AFTER = Duration.ofMinutes(10);
    public static final Backoff DEFAULT = new Backoff(INITIAL, MAX, RESET_AFTER);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || resetAfter.isNegative()) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and resetAfter >= 0");
        }
    }

    /** The wait before the next start of a replica that exited {@code crashes} times in a row before this exit. */
    public Duration delay(int crashes) {
        Duration d = initial;
        for (int i = 0; i < crashes && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}

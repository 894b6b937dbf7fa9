package dev.vyoma.stats.capacity;

import dev.vyoma.ledger.crypto.Address;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * Polls every registered provider's status endpoint once per interval and stores what it answered (or that it
 * did not). Driven: {@link #poll()} polls if the interval has passed on the injected clock and returns how many
 * providers it asked; threads belong to the caller.
 */
public final class CapacityPoller {
    /** Akash's indexer checks a healthy provider every 15 minutes; a devnet wants it sooner. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);

    private final SnapshotStore store;
    private final StatusSource status;
    private final Clock clock;
    private final Duration interval;
    private final PollPolicy policy;
    private long nextMillis = Long.MIN_VALUE;

    /** Polls only the hosts {@code policy} allows; the others get a failed snapshot saying why. */
    public CapacityPoller(SnapshotStore store, StatusSource status, Clock clock, Duration interval, PollPolicy policy) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the capacity interval must be positive, got " + interval);
        }
        this.store = store;
        this.status = status;
        this.clock = clock;
        this.interval = interval;
        this.policy = policy;
    }

    /** Polls every registered provider if the interval has passed; returns how many were asked. */
    public int poll() throws SQLException {
        long now = clock.millis();
        if (now < nextMillis) {
            return 0;
        }
        nextMillis = now + interval.toMillis();
        int asked = 0;
        for (SnapshotStore.Registered p : store.registered()) {
            Address a = Address.parse(p.owner());
            CapacitySnapshot s;
            java.util.Optional<String> refusal = policy.refusal(p.hostUri());
            if (refusal.isPresent()) {
                store.insert(CapacitySnapshot.failed(a, now, refusal.get()));
                asked++;
                continue;
            }
            try {
                s = CapacitySnapshot.fromStatus(a, now, status.status(a));
            } catch (Exception e) {
                s = CapacitySnapshot.failed(a, now, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            store.insert(s);
            asked++;
        }
        return asked;
    }
}

package dev.vyoma.stats.capacity;

import dev.vyoma.ledger.crypto.Address;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every registered provider's status endpoint once per interval and stores what it answered (or that it
 * did not). Driven: {@link #poll()} polls if the interval has passed on the injected clock and returns how many
 * providers it asked; threads belong to the caller. Providers are independent: one whose answer cannot be polled,
 * read or stored does not keep the others from being polled and stored.
 */
public final class CapacityPoller {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityPoller.class);

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

    /**
     * Polls every registered provider if the interval has passed; returns how many were asked. Each provider's
     * snapshot is stored on its own: one that cannot be stored (the database refused it) is logged and, if the
     * database takes it, replaced by a failed snapshot saying why, and the remaining providers are still polled.
     * Only a failure to list the providers throws.
     */
    public int poll() throws SQLException {
        long now = clock.millis();
        if (now < nextMillis) {
            return 0;
        }
        nextMillis = now + interval.toMillis();
        int asked = 0;
        for (SnapshotStore.Registered p : store.registered()) {
            asked++;
            Address a;
            try {
                a = Address.parse(p.owner());
            } catch (RuntimeException e) {
                LOG.warn("not polling provider {}: not an address ({})", p.owner(), e.getMessage());
                continue;
            }
            CapacitySnapshot s = snapshot(a, p.hostUri(), now);
            try {
                store.insert(s);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("the snapshot of provider {} at {} was not stored: {}", a, now, e.toString());
                try {
                    store.insert(CapacitySnapshot.failed(a, now, "not stored: " + e));
                } catch (SQLException | RuntimeException again) {
                    LOG.warn("nor its failure: {}", again.toString());
                }
            }
        }
        return asked;
    }

    /** What the provider answered, or why it did not (not allowed to be polled, unreachable, a bad answer). */
    private CapacitySnapshot snapshot(Address a, String hostUri, long now) {
        java.util.Optional<String> refusal = policy.refusal(hostUri);
        if (refusal.isPresent()) {
            return CapacitySnapshot.failed(a, now, refusal.get());
        }
        try {
            return CapacitySnapshot.fromStatus(a, now, status.status(a));
        } catch (Exception e) {
            return CapacitySnapshot.failed(a, now, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}

package dev.vyoma.provider.gateway;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.market.BidId;
import java.util.HashMap;
import java.util.Map;

/**
 * The log followers a gateway is serving, counted by lease, by owner and by token: a new one is admitted only while
 * every count is under its cap, so one tenant (however many tokens it signs) cannot hold the streams, nor the
 * threads they run on, that others and the gateway's other routes need. Thread-safe; owns no thread.
 */
final class Followers {
    private final Gateway.Limits limits;
    private final Map<BidId, Integer> byLease = new HashMap<>();
    private final Map<Address, Integer> byOwner = new HashMap<>();
    private final Map<String, Integer> byToken = new HashMap<>();
    private int total;

    Followers(Gateway.Limits limits) {
        this.limits = limits;
    }

    /** A follower's place; closing it gives the place back (once, however often it is closed). */
    final class Slot implements AutoCloseable {
        private final BidId lease;
        private final String token;
        private boolean closed;

        private Slot(BidId lease, String token) {
            this.lease = lease;
            this.token = token;
        }

        @Override
        public void close() {
            synchronized (Followers.this) {
                if (!closed) {
                    closed = true;
                    release(lease, token);
                }
            }
        }
    }

    /** Why a follower was not admitted: the HTTP status (429 for the tenant's caps, 503 for the gateway's) and why. */
    record Refusal(int status, String message) {}

    /** What {@link #admit} decided. */
    sealed interface Admission permits Admitted, Refused {}

    /** Admitted: stream, then close the slot. */
    record Admitted(Slot slot) implements Admission {}

    /** Not admitted. */
    record Refused(Refusal refusal) implements Admission {}

    /** Admits a follower of {@code lease} with {@code token}, if every cap allows one more. */
    synchronized Admission admit(BidId lease, String token) {
        Address owner = lease.deployment().owner();
        if (byToken.getOrDefault(token, 0) >= limits.followersPerToken()) {
            return refused(
                    429,
                    "this token already follows " + limits.followersPerToken()
                            + " log stream(s), the most one token may; close one first");
        }
        if (byLease.getOrDefault(lease, 0) >= limits.followersPerLease()) {
            return refused(
                    429,
                    "lease " + lease + " already has " + limits.followersPerLease()
                            + " log followers, the most a lease may; close one first");
        }
        if (byOwner.getOrDefault(owner, 0) >= limits.followersPerOwner()) {
            return refused(
                    429,
                    "the leases of " + owner + " already have " + limits.followersPerOwner()
                            + " log followers, the most one owner may; close one first");
        }
        if (total >= limits.followers()) {
            return refused(
                    503, "this provider serves " + limits.followers() + " log followers, its most; try again later");
        }
        byToken.merge(token, 1, Integer::sum);
        byLease.merge(lease, 1, Integer::sum);
        byOwner.merge(owner, 1, Integer::sum);
        total++;
        return new Admitted(new Slot(lease, token));
    }

    /** How many followers are being served. */
    synchronized int total() {
        return total;
    }

    private static Refused refused(int status, String message) {
        return new Refused(new Refusal(status, message));
    }

    private void release(BidId lease, String token) {
        decrement(byToken, token);
        decrement(byLease, lease);
        decrement(byOwner, lease.deployment().owner());
        total--;
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }
}

package dev.vyoma.provider.gateway;

import dev.vyoma.ledger.market.BidId;
import io.javalin.http.HttpResponseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The lease shells a gateway has open, counted by lease and in all: a new one is admitted only under both caps of
 * {@link ShellLimits}. Thread-safe; owns no thread.
 */
final class ShellSlots {
    private final ShellLimits limits;
    private final Map<BidId, Integer> byLease = new HashMap<>();
    private int total;

    ShellSlots(ShellLimits limits) {
        this.limits = limits;
    }

    /** A shell's place; closing it gives the place back (once, however often it is closed). */
    final class Slot implements AutoCloseable {
        private final BidId lease;
        private boolean closed;

        private Slot(BidId lease) {
            this.lease = lease;
        }

        @Override
        public void close() {
            synchronized (ShellSlots.this) {
                if (!closed) {
                    closed = true;
                    byLease.computeIfPresent(lease, (k, n) -> n == 1 ? null : n - 1);
                    total--;
                }
            }
        }
    }

    /** A place for a shell in {@code lease}, or the refusal: 429 past the lease's cap, 503 past the gateway's. */
    synchronized Slot admit(BidId lease) {
        if (byLease.getOrDefault(lease, 0) >= limits.shellsPerLease()) {
            throw new HttpResponseException(
                    429,
                    "lease " + lease + " already has " + limits.shellsPerLease()
                            + " shell(s) open, the most a lease may; end one first");
        }
        if (total >= limits.shells()) {
            throw new HttpResponseException(
                    503, "this provider has " + limits.shells() + " shells open, its most; try again later");
        }
        byLease.merge(lease, 1, Integer::sum);
        total++;
        return new Slot(lease);
    }

    /** How many shells are open. */
    synchronized int total() {
        return total;
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.ApiError;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Per key: a token bucket of requests per minute (refilled continuously) and a cap on requests at once. A
 * request over either is refused with 429 before any work; the message says when to retry.
 */
public final class RateLimiter {
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long atMillis;
        int running;
    }

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Takes one request of {@code key}; call {@link #release} when it ends. */
    public synchronized void acquire(ApiKeys.Key key) {
        long now = clock.millis();
        Bucket b = buckets.computeIfAbsent(key.id(), k -> {
            Bucket n = new Bucket();
            n.tokens = key.requestsPerMinute();
            n.atMillis = now;
            return n;
        });
        double perMs = key.requestsPerMinute() / 60_000.0;
        b.tokens = Math.min(key.requestsPerMinute(), b.tokens + (now - b.atMillis) * perMs);
        b.atMillis = now;
        if (b.running >= key.maxConcurrent()) {
            throw ApiError.rateLimited("key " + key.id() + " has " + key.maxConcurrent()
                    + " requests running, its limit; wait for one to finish");
        }
        if (b.tokens < 1) {
            long waitMs = (long) Math.ceil((1 - b.tokens) / perMs);
            throw ApiError.rateLimited("key " + key.id() + " is over its " + key.requestsPerMinute()
                    + " requests per minute; retry in " + Math.max(1, (waitMs + 999) / 1000) + " s");
        }
        b.tokens -= 1;
        b.running++;
    }

    /** Ends one request of {@code key}. */
    public synchronized void release(ApiKeys.Key key) {
        Bucket b = buckets.get(key.id());
        if (b != null && b.running > 0) {
            b.running--;
        }
    }
}

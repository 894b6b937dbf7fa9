package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.ApiError;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Per key: a token bucket of requests per minute (refilled continuously) and a cap on requests at once, each no
 * more than the gateway's {@link KeyLimits} allow whatever the key says (a key stored before the limits had
 * maxima included). A request over either is refused with 429 before any work; the message says when to retry.
 */
public final class RateLimiter {
    private final Clock clock;
    private final KeyLimits limits;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long atMillis;
        int running;
        int perMinute;

        /** Nothing running and refilled: forgetting it changes nothing. */
        boolean idle(long now) {
            return running == 0 && tokens + (now - atMillis) * (perMinute / 60_000.0) >= perMinute;
        }
    }

    public RateLimiter(Clock clock, KeyLimits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    /** The requests per minute {@code key} gets: its own, up to the gateway's most. */
    public int requestsPerMinute(ApiKeys.Key key) {
        return Math.max(1, Math.min(key.requestsPerMinute(), limits.maxRequestsPerMinute()));
    }

    /** The requests at once {@code key} gets: its own, up to the gateway's most. */
    public int maxConcurrent(ApiKeys.Key key) {
        return Math.max(1, Math.min(key.maxConcurrent(), limits.maxConcurrent()));
    }

    /** Takes one request of {@code key}; call {@link #release} when it ends. */
    public synchronized void acquire(ApiKeys.Key key) {
        long now = clock.millis();
        int perMinute = requestsPerMinute(key);
        int atOnce = maxConcurrent(key);
        if (buckets.size() >= ApiKeys.MAX_KEYS) {
            // Keys come and go: the buckets of keys idle long enough to be full again are dropped, losslessly.
            buckets.values().removeIf(x -> x.idle(now));
        }
        Bucket b = buckets.computeIfAbsent(key.id(), k -> {
            Bucket n = new Bucket();
            n.tokens = perMinute;
            n.atMillis = now;
            return n;
        });
        double perMs = perMinute / 60_000.0;
        b.perMinute = perMinute;
        b.tokens = Math.min(perMinute, b.tokens + (now - b.atMillis) * perMs);
        b.atMillis = now;
        if (b.running >= atOnce) {
            throw ApiError.rateLimited(
                    "key " + key.id() + " has " + atOnce + " requests running, its limit; wait for one to finish");
        }
        if (b.tokens < 1) {
            long waitMs = (long) Math.ceil((1 - b.tokens) / perMs);
            throw ApiError.rateLimited("key " + key.id() + " is over its " + perMinute
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

package dev.vyoma.inference.gateway;

/**
 * The gateway's rule for API keys' own limits: what a key gets when its owner names none, and the most an owner
 * may set, so that no account can lift itself past what the operator sized the gateway for.
 */
public record KeyLimits(
        int defaultRequestsPerMinute, int defaultMaxConcurrent, int maxRequestsPerMinute, int maxConcurrent) {
    /** Requests per minute of a key whose owner names none. */
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 600;

    /** Requests at once of a key whose owner names none. */
    public static final int DEFAULT_MAX_CONCURRENT = 16;

    /** The most requests per minute an owner may give a key. */
    public static final int MAX_REQUESTS_PER_MINUTE = 6_000;

    /** The most requests at once an owner may give a key. */
    public static final int MAX_CONCURRENT = 64;

    /** The limits a gateway runs with unless its operator sizes it otherwise. */
    public static final KeyLimits DEFAULTS =
            new KeyLimits(DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_MAX_CONCURRENT, MAX_REQUESTS_PER_MINUTE, MAX_CONCURRENT);

    public KeyLimits {
        if (defaultRequestsPerMinute < 1 || defaultRequestsPerMinute > maxRequestsPerMinute) {
            throw new IllegalArgumentException("requests per minute: 1 ≤ default ≤ most, got "
                    + defaultRequestsPerMinute + " and " + maxRequestsPerMinute);
        }
        if (defaultMaxConcurrent < 1 || defaultMaxConcurrent > maxConcurrent) {
            throw new IllegalArgumentException(
                    "requests at once: 1 ≤ default ≤ most, got " + defaultMaxConcurrent + " and " + maxConcurrent);
        }
    }
}

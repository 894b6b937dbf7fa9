package dev.vyoma.http;

import java.time.Duration;

/**
 * What one HTTP server holds its clients to: open connections in all and from one remote address, how long a
 * connection may say nothing ({@code idleTimeout}) and take over one request head ({@code headTimeout}, against
 * slowloris), how long a connection opened past a cap may wait for its refusal, the largest request head, and the
 * kernel's queue of connections not yet accepted. Each server names its defaults beside its other limits.
 */
public record HttpLimits(
        int connections,
        int connectionsPerClient,
        Duration idleTimeout,
        Duration headTimeout,
        Duration overCapIdle,
        int requestHeadBytes,
        int acceptQueue) {
    /** Connections accepted past {@link #connections} only to be answered 503 and closed; past these, none is. */
    public static final int OVERFLOW_CONNECTIONS = 64;

    /** The smallest request head a server may be limited to: a request line and a few headers. */
    public static final int MIN_REQUEST_HEAD_BYTES = 1_024;

    public HttpLimits {
        if (connections < 1 || connectionsPerClient < 1 || connectionsPerClient > connections || acceptQueue < 1) {
            throw new IllegalArgumentException(
                    "connections must be positive, and those of one client at most those of all");
        }
        if (requestHeadBytes < MIN_REQUEST_HEAD_BYTES) {
            throw new IllegalArgumentException(
                    "a request head of at least " + MIN_REQUEST_HEAD_BYTES + " bytes, got " + requestHeadBytes);
        }
        for (Duration d : new Duration[] {idleTimeout, headTimeout, overCapIdle}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, got " + d);
            }
        }
        if (headTimeout.compareTo(idleTimeout) > 0 || overCapIdle.compareTo(idleTimeout) > 0) {
            throw new IllegalArgumentException("the head and over-cap timeouts must not exceed the idle timeout");
        }
    }
}

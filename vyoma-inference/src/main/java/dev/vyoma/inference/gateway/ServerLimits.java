package dev.vyoma.inference.gateway;

import dev.vyoma.http.HttpLimits;
import java.time.Duration;

/**
 * The inference gateway's connection limits, each with its default (docs/security.md lists them): what one address
 * or all of them may hold open, and how long a connection may take over its request head (slowloris) or say nothing.
 * A streamed completion holds one connection, so these caps are also the caps on streams, with each key's own
 * requests at once ({@link KeyLimits}) within them.
 */
public final class ServerLimits {
    /** Open connections at most (503 past it; past it and a small overflow, none accepted). */
    public static final int MAX_CONNECTIONS = 2_048;

    /** Open connections, streams included, from one remote address (429 past it). */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 128;

    /**
     * A connection with nothing to read or write for this long is closed: longer than a model takes to its first
     * token on a long prompt, since a stream says nothing until then.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

    /** A request head (request line and headers) must arrive within this of its first byte. */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

    /** A connection opened past a cap that sends no request is closed after this. */
    public static final Duration OVER_CAP_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /** Largest request head: a bearer key or a signed token, and an SDK's usual headers. */
    public static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;

    /** Connections waiting in the kernel to be accepted. */
    public static final int ACCEPT_QUEUE = 256;

    /** The limits a gateway serves with unless started with others. */
    public static final HttpLimits DEFAULTS = new HttpLimits(
            MAX_CONNECTIONS,
            MAX_CONNECTIONS_PER_CLIENT,
            IDLE_TIMEOUT,
            HEAD_TIMEOUT,
            OVER_CAP_IDLE_TIMEOUT,
            MAX_REQUEST_HEAD_BYTES,
            ACCEPT_QUEUE);

    private ServerLimits() {}
}

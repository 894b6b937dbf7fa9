package dev.vyoma.sdl.manifest;

import java.util.List;

/**
 * Reverse-proxy settings of an HTTP ingress port, with Akash's defaults filled in. {@code proxyBufferSize}
 * is 0 when unset (and then left out of the manifest JSON, so older manifests keep their hash).
 */
public record HttpOptions(
        long maxBodySize,
        long readTimeout,
        long sendTimeout,
        long nextTries,
        long nextTimeout,
        List<String> nextCases,
        long proxyBufferSize) {
    public static final long DEFAULT_MAX_BODY_SIZE = 1_048_576;
    public static final long MAX_BODY_SIZE = 104_857_600;
    public static final long DEFAULT_READ_TIMEOUT_MS = 60_000;
    public static final long MAX_READ_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_SEND_TIMEOUT_MS = 60_000;
    public static final long MAX_SEND_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_NEXT_TRIES = 3;
    public static final long MAX_PROXY_BUFFER_SIZE = 1_048_576;
    public static final List<String> DEFAULT_NEXT_CASES = List.of("error", "timeout");
    /** Values allowed in {@code next_cases}; {@code off} must stand alone. */
    public static final List<String> NEXT_CASES =
            List.of("error", "timeout", "500", "502", "503", "504", "403", "404", "429", "off");

    /** All defaults. */
    public static final HttpOptions DEFAULTS = new HttpOptions(
            DEFAULT_MAX_BODY_SIZE,
            DEFAULT_READ_TIMEOUT_MS,
            DEFAULT_SEND_TIMEOUT_MS,
            DEFAULT_NEXT_TRIES,
            0,
            DEFAULT_NEXT_CASES,
            0);

    public HttpOptions {
        nextCases = List.copyOf(nextCases);
    }
}

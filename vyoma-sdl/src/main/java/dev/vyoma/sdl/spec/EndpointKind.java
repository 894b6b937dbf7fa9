package dev.vyoma.sdl.spec;

import java.util.Optional;

/** How a global port reaches the internet; the numbers are Akash's protobuf enum values. */
public enum EndpointKind {
    /** Port 80 over TCP, served by the provider's shared HTTP ingress with a hostname. */
    SHARED_HTTP(0),
    /** Any other global port: the provider assigns a random public port. */
    RANDOM_PORT(1),
    /** A port on a leased IP address (SDL {@code endpoints} of kind {@code ip}). */
    LEASED_IP(2);

    private final int code;

    EndpointKind(int code) {
        this.code = code;
    }

    /** The protobuf enum number. */
    public int code() {
        return code;
    }

    /** The largest protobuf number any kind has. */
    public static int maxCode() {
        int max = 0;
        for (EndpointKind k : values()) {
            max = Math.max(max, k.code);
        }
        return max;
    }

    /**
     * The kind with protobuf number {@code code}, or empty where none has it. Matched by the number, never by
     * declaration order, so reordering the constants cannot change what a manifest means.
     */
    public static Optional<EndpointKind> ofCode(long code) {
        for (EndpointKind k : values()) {
            if (k.code == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}

package dev.vyoma.sdl.spec;

import java.util.Objects;

/** One public endpoint a resource unit needs; leased IPs carry their sequence number, others 0. */
public record Endpoint(EndpointKind kind, int sequenceNumber) {
    public Endpoint {
        Objects.requireNonNull(kind, "kind");
    }
}

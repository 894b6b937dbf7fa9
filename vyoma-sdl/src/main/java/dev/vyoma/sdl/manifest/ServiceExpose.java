package dev.vyoma.sdl.manifest;

import java.util.List;
import java.util.Objects;

/**
 * One exposed port of a service towards one destination: another service, the internet ({@code
 * global}), or a leased IP. {@code externalPort} is 0 when the SDL has no {@code as}; {@code hosts} is
 * {@code null} when the SDL has no {@code accept}.
 */
public record ServiceExpose(
        int port,
        int externalPort,
        Protocol proto,
        String service,
        boolean global,
        List<String> hosts,
        HttpOptions httpOptions,
        String ip,
        int endpointSequenceNumber) {
    public ServiceExpose {
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(httpOptions, "httpOptions");
        Objects.requireNonNull(ip, "ip");
        hosts = hosts == null ? null : List.copyOf(hosts);
    }

    /** The port the world sees: {@code as} when given, else the container port. */
    public int effectiveExternalPort() {
        return externalPort == 0 ? port : externalPort;
    }

    /** Whether this port goes through the provider's shared HTTP ingress (global TCP on port 80). */
    public boolean isIngress() {
        return proto == Protocol.TCP && global && effectiveExternalPort() == 80;
    }
}

package dev.vyoma.provider.runtime.container;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the container engine listens: an absolute Unix socket path, written {@code unix:///run/podman/podman.sock}
 * (the form of {@code DOCKER_HOST} and of {@code containerEngine} in provider.yaml). Only Unix sockets: an engine
 * on TCP without TLS would hand root on this host to its network.
 */
public record EngineAddress(Path socket) {
    /** The longest socket path Linux accepts ({@code sun_path} holds 108 bytes with the terminating zero). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /** The usual sockets, in the order they are tried after {@code DOCKER_HOST}: rootful Podman, then Docker. */
    static final List<Path> USUAL_SOCKETS =
            List.of(Path.of("/run/podman/podman.sock"), Path.of("/var/run/docker.sock"));

    public EngineAddress {
        if (!socket.isAbsolute() || !socket.normalize().equals(socket)) {
            throw new IllegalArgumentException("the engine socket must be an absolute, normalized path, got " + socket);
        }
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException(
                    "the engine socket path is over " + MAX_SOCKET_PATH_BYTES + " bytes: " + socket);
        }
    }

    /** Reads {@code unix:///ABSOLUTE/PATH}; anything else is refused with what to write instead. */
    public static EngineAddress parse(String text) {
        String t = text.strip();
        if (!t.startsWith("unix://")) {
            throw new IllegalArgumentException(
                    "container engine " + t + ": give a Unix socket such as unix:///run/podman/podman.sock");
        }
        String path = t.substring("unix://".length());
        if (!path.startsWith("/") || path.contains("\0")) {
            throw new IllegalArgumentException("container engine " + t
                    + ": the socket path must be absolute, e.g. unix:///run/podman/podman.sock");
        }
        return new EngineAddress(Path.of(path));
    }

    /**
     * The engine to use: the configured one if given, else {@code DOCKER_HOST}, else the first usual socket (or
     * {@code $XDG_RUNTIME_DIR/podman/podman.sock}) that exists; empty if none does.
     */
    public static Optional<EngineAddress> discover(
            Optional<EngineAddress> configured, Map<String, String> env, Predicate<Path> exists) {
        if (configured.isPresent()) {
            return configured;
        }
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return Optional.of(parse(dockerHost));
        }
        List<Path> candidates = new ArrayList<>(USUAL_SOCKETS);
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && runtimeDir.startsWith("/")) {
            candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        return candidates.stream().filter(exists).findFirst().map(EngineAddress::new);
    }

    /** {@link #discover} with this process's environment and file system. */
    public static Optional<EngineAddress> discover(Optional<EngineAddress> configured) {
        return discover(configured, System.getenv(), Files::exists);
    }

    /** The {@code unix://} URI. */
    public String uri() {
        return "unix://" + socket;
    }

    @Override
    public String toString() {
        return uri();
    }
}

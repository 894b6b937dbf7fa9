package dev.vyoma.provider.runtime.container;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Podman API service ({@code podman system service}) started by this process on a socket of its choosing, and
 * stopped by it: what a devnet runs when Podman is installed but no engine answers, and what the container tests
 * run. It starts with the flags this kind of host needs ({@code --cgroup-manager=cgroupfs}, and {@code --runtime
 * runc} when runc is installed: crun fails on cgroup v1 hybrid hosts), in a working directory of its own (conmon
 * writes a file named {@code oom} into it), and counts as started once the engine answers on the socket.
 */
public final class PodmanService implements AutoCloseable {
    /** The longest wait for a started service to answer. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a stopping service may take before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final EngineAddress address;
    private final Path log;

    private PodmanService(Process process, EngineAddress address, Path log) {
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /**
     * What a devnet's Podman pulls with: short names from Docker Hub, as Docker does, and registries on this
     * machine's loopback ({@code localhost} and {@code 127.0.0.1}, at any port) over plain HTTP, so that an image
     * pushed to a local test registry can be deployed. A registry named with a port matches these entries (Podman
     * matches a location as a prefix ending at {@code :}, {@code /} or {@code @}).
     */
    public static final String LOOPBACK_REGISTRIES_CONF = """
            unqualified-search-registries = ["docker.io"]

            [[registry]]
            location = "localhost"
            insecure = true

            [[registry]]
            location = "127.0.0.1"
            insecure = true
            """;

    /**
     * Writes {@link #LOOPBACK_REGISTRIES_CONF} to {@code dir/registries.conf} and returns the environment that has
     * a service read it instead of the host's ({@code CONTAINERS_REGISTRIES_CONF}); the host's own setting is left
     * alone.
     */
    public static Map<String, String> loopbackRegistries(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("registries.conf").toAbsolutePath().normalize();
        Files.writeString(conf, LOOPBACK_REGISTRIES_CONF);
        return Map.of("CONTAINERS_REGISTRIES_CONF", conf.toString());
    }

    /** The {@code podman} executable on {@code PATH}, if there is one. */
    public static Optional<Path> podman() {
        return onPath("podman");
    }

    /**
     * Starts the service on {@code socket}, with {@code dir} (created if missing) as its working directory and for
     * its log, and {@code env} added to its environment; returns once it answers. A stale socket file left by a
     * service that died is replaced. The exception says why it did not start, with the end of its log.
     */
    public static PodmanService start(Path socket, Path dir, Map<String, String> env) throws IOException {
        Path podman = podman().orElseThrow(() -> new IOException("podman is not installed (not on PATH)"));
        EngineAddress address = new EngineAddress(socket.toAbsolutePath().normalize());
        Files.createDirectories(dir);
        Files.createDirectories(address.socket().getParent());
        Files.deleteIfExists(address.socket());
        List<String> command = new ArrayList<>(List.of(podman.toString(), "--cgroup-manager=cgroupfs"));
        if (onPath("runc").isPresent()) {
            command.addAll(List.of("--runtime", "runc"));
        }
        command.addAll(List.of("system", "service", "--time=0", address.uri()));
        Path log = dir.resolve("podman-service.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        PodmanService service = new PodmanService(p, address, log);
        long until = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("podman system service exited with " + p.exitValue() + ": " + service.logTail());
            }
            if (Files.exists(address.socket()) && answers(address)) {
                return service;
            }
            if (System.nanoTime() > until) {
                service.close();
                throw new IOException("podman system service did not answer on " + address + " within "
                        + START_TIMEOUT.toSeconds() + " s: " + service.logTail());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                service.close();
                throw new IOException("interrupted while starting podman system service", e);
            }
        }
    }

    private static boolean answers(EngineAddress address) {
        try (Engine e = Engine.connect(address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Where the service listens. */
    public EngineAddress address() {
        return address;
    }

    /** The service's process id. */
    public long pid() {
        return process.pid();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops the service (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}); the containers it ran stay. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator, -1)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}

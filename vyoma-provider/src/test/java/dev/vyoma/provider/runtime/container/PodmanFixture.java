package dev.vyoma.provider.runtime.container;

import dev.vyoma.testkit.ContainerImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real container engine for tests: Podman's Docker-API service started on a socket in a temp directory
 * ({@link PodmanService}, with the flags this kind of host needs) and stopped at the end, and a tiny test image
 * made from the host's static busybox ({@code sh}, {@code httpd}, {@code nc}, ...), imported once. Fails, never
 * skips, when Podman is missing: bin/test installs it.
 */
public final class PodmanFixture implements AutoCloseable {
    private final PodmanService service;
    /** The busybox test image. */
    public final String image;

    private PodmanFixture(PodmanService service, String image) {
        this.service = service;
        this.image = image;
    }

    public static PodmanFixture start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /** Starts the service with {@code env} added to its environment (e.g. {@code CONTAINERS_REGISTRIES_CONF}). */
    public static PodmanFixture start(Path dir, Map<String, String> env) throws Exception {
        String image = ContainerImages.busybox(dir);
        return new PodmanFixture(PodmanService.start(dir.resolve("api.sock"), dir, env), image);
    }

    /** Between SIGTERM and SIGKILL in the tests that are not about it: busybox's httpd as PID 1 ignores SIGTERM. */
    public static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(1);

    /**
     * The runtime timings of the tests: a short backoff and reconcile period, and {@link #STOP_GRACE}; the default
     * update timings.
     */
    public static ContainerRuntime.Settings settings() {
        return new ContainerRuntime.Settings(
                java.time.Clock.systemUTC(),
                new Backoff(
                        java.time.Duration.ofMillis(500),
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofMinutes(10)),
                java.time.Duration.ofMillis(250),
                ContainerRuntime.Settings.READY_TIMEOUT,
                ContainerRuntime.Settings.DRAIN,
                STOP_GRACE);
    }

    public EngineAddress address() {
        return service.address();
    }

    /** Runs {@code command} in container {@code name}. */
    static Result exec(String name, String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("podman", "exec", name));
        c.addAll(List.of(command));
        return run(c);
    }

    /** Removes whatever of {@code owner} the tests left (a safety net; the tests tear down their leases). */
    public static void sweep(String owner) throws Exception {
        String label = "label=" + LeaseObjects.OWNER + "=" + owner;
        for (String kind : List.of("container", "volume", "network")) {
            String ids = run(List.of("podman", kind, "ls", "-q", "--filter", label))
                    .output()
                    .strip();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("podman", kind, "rm", "-f"));
                rm.addAll(ids.lines().toList());
                run(rm);
            }
        }
    }

    record Result(int code, String output) {}

    static Result run(List<String> command) throws Exception {
        ContainerImages.Result r = ContainerImages.run(command);
        return new Result(r.code(), r.output());
    }

    @Override
    public void close() {
        service.close();
    }
}

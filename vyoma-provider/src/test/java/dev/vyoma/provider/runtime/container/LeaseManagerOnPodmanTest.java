package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease manager over the container runtime on a real Podman: what a tenant's {@code deploy status} says and
 * where its addresses lead. A replica counts as ready only once its routes lead to it, routes follow a replica the
 * runtime recreated, and restarts survive the provider's restart.
 */
class LeaseManagerOnPodmanTest {
    private static final AtomicInteger DSEQ = new AtomicInteger(1);

    @TempDir
    static Path dir;

    static PodmanFixture podman;
    static final String OWNER = "test-routing-" + ProcessHandle.current().pid();

    @TempDir
    Path state;

    private ContainerRuntime runtime;
    private Ingress ingress;
    private LeaseManager leases;

    @BeforeAll
    static void startPodman() throws Exception {
        podman = PodmanFixture.start(dir);
    }

    @AfterAll
    static void stopPodman() throws Exception {
        try {
            PodmanFixture.sweep(OWNER);
        } finally {
            podman.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        runtime = newRuntime();
        ingress = Ingress.start("127.0.0.1", 0, "localhost");
        leases = new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        leases.close();
        runtime.removeOrphans(Set.of());
        runtime.close();
        ingress.close();
    }

    private ContainerRuntime newRuntime() throws IOException {
        return new ContainerRuntime(Engine.connect(podman.address()), OWNER, state, PodmanFixture.settings());
    }

    private static String lease() {
        return "vyoma1tenant/" + DSEQ.getAndIncrement() + "/1/1/vyoma1provider";
    }

    /** A web service whose page names its manifest ({@code tag}), on the ingress and on a forwarded port. */
    private TestSdl web(String tag) {
        return new TestSdl(podman.image)
                .with(TestSdl.service("web")
                        .env("TAG=" + tag)
                        .script("mkdir -p /www && echo \"<h1>$TAG</h1>\" > /www/index.html"
                                + " && httpd -p 8081 -h /www && exec httpd -f -p 80 -h /www")
                        .global(80, 80)
                        .global(8081, 8081));
    }

    private void awaitStatus(String lease, int ready) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
            Map<String, Object> s = leases.status(lease);
            return s.get("ready").equals(ready) && !s.containsKey("updating");
        });
    }

    private String host(String lease) {
        return ingress.hostFor(IngressId.of(lease, "web"));
    }

    @Test
    void readyInTheStatusMeansTheRouteAnswers() throws Exception {
        // Each time, the first request after the status says ready is answered by the new replica.
        for (int i = 0; i < 3; i++) {
            String lease = lease();
            leases.deploy(lease, web("first-" + i).group());
            awaitStatus(lease, 1);
            assertThat(rawGet(ingress.port(), host(lease)))
                    .startsWith("HTTP/1.1 200")
                    .contains("<h1>first-" + i);
            assertThat(rawGet(forwardedPort(lease), "any")).startsWith("HTTP/1.1 200");
        }
        // After an update, too: the status stops saying updating only once the new replica is routed.
        String lease = lease();
        leases.deploy(lease, web("v1").group());
        awaitStatus(lease, 1);
        leases.deploy(lease, web("v2").group());
        assertThat(leases.status(lease)).containsKey("updating");
        awaitStatus(lease, 1);
        assertThat(rawGet(ingress.port(), host(lease))).contains("<h1>v2</h1>");
        assertThat(rawGet(forwardedPort(lease), "any")).contains("<h1>v2</h1>");
    }

    @Test
    void routesFollowAReplicaRecreatedAfterItsContainerWasRemoved() throws Exception {
        String lease = lease();
        leases.deploy(lease, web("kept").group());
        awaitStatus(lease, 1);
        int forwarded = forwardedPort(lease);
        assertThat(rawGet(ingress.port(), host(lease))).contains("<h1>kept</h1>");
        var before = runtime.replicaStates(lease).get(0);
        int oldPort = before.replica().ports().get(80);
        int oldForwardedTo = before.replica().ports().get(8081);

        assertThat(PodmanFixture.run(List.of("podman", "rm", "-f", before.containerId()))
                        .code())
                .isZero();
        // The old host ports are held here now, so the new container cannot get them back, and a route left on
        // them would reach these sockets, which never answer.
        try (ServerSocket hold80 = hold(oldPort);
                ServerSocket hold8081 = hold(oldForwardedTo)) {
            // Only the runtime is watched: the tenant's status is not asked until the route answers.
            await().atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        var s = runtime.replicaStates(lease).get(0);
                        return s.ready() && !s.containerId().equals(before.containerId());
                    });
            var after = runtime.replicaStates(lease).get(0);
            assertThat(after.replica().ports().get(80)).isNotEqualTo(oldPort);
            // Why it stopped depends on when the loop looked: killed, its server ending on the signal, gone, or
            // gone between the loop's look and its start (a start that failed, which counts as one).
            assertThat(after.restarts()).isBetween(1, 2);
            assertThat(after.lastExit()).isNotEmpty();
            await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> quietGet(ingress.port(), host(lease)).contains("<h1>kept</h1>"));
            await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> quietGet(forwarded, "any").contains("<h1>kept</h1>"));
        }
        Map<String, Object> s = leases.status(lease);
        assertThat(s).containsEntry("ready", 1);
        // The tenant's forwarded port stays the same; only where it leads changed.
        assertThat(forwardedPort(lease)).isEqualTo(forwarded);
        assertThat((String) s.get("problem")).containsPattern("web-0 restarted [12] time\\(s\\), last stopped: ");
    }

    @Test
    void restartsAndTheLastExitReasonSurviveAProviderKilledWithSignal9() throws Exception {
        String lease = lease();
        // The first run allocates without end; after its restart (same container, same file system) it idles.
        Path manifest = state.resolve("hog.json");
        java.nio.file.Files.writeString(
                manifest,
                new TestSdl(podman.image)
                        .with(
                                TestSdl.service("hog")
                                        .memory("16Mi")
                                        .script(
                                                "if [ -f /ran ]; then exec sleep 3600; fi; touch /ran; sleep 1; tail /dev/zero"))
                        .json()
                        .toString());
        Path childState = state.resolve("child");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RuntimeChild.class.getName(),
                        podman.address().uri(),
                        OWNER,
                        childState.toString(),
                        lease,
                        manifest.toString())
                .redirectErrorStream(true)
                .redirectOutput(state.resolve("child.log").toFile())
                .start();
        String label = "label=" + LeaseObjects.LEASE + "=" + lease;
        String id;
        try {
            // The child's runtime sees the OOM kill and starts the container again: then it is killed itself.
            await().atMost(90, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!java.nio.file.Files.readString(state.resolve("child.log"))
                                .contains("deployed")) {
                            return false;
                        }
                        var ps = PodmanFixture.run(List.of("podman", "ps", "-q", "--no-trunc", "--filter", label))
                                .output()
                                .strip();
                        return !ps.isEmpty()
                                && PodmanFixture.exec(ps, "ps").output().contains("sleep 3600")
                                && recordedOomKill(childState);
                    });
            id = PodmanFixture.run(List.of("podman", "ps", "-q", "--no-trunc", "--filter", label))
                    .output()
                    .strip();
        } finally {
            child.destroyForcibly(); // SIGKILL: nothing of the runtime gets to run
            child.waitFor();
        }

        ContainerRuntime next =
                new ContainerRuntime(Engine.connect(podman.address()), OWNER, childState, PodmanFixture.settings());
        try {
            LeaseManager after =
                    new LeaseManager(next, ingress, "127.0.0.1", childState.resolve("routes"), Clock.systemUTC());
            assertThat(after.reconcile(Set.of(lease))).containsExactly(lease);
            var replica = next.replicaStates(lease).get(0);
            assertThat(replica.containerId()).isEqualTo(id);
            assertThat(replica.restarts()).isEqualTo(1);
            assertThat(replica.lastExit()).isEqualTo("OOMKilled");
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> after.status(lease).get("ready").equals(1));
            assertThat((String) after.status(lease).get("problem"))
                    .contains("hog-0 restarted 1 time(s), last stopped: OOMKilled");
            after.close();
        } finally {
            next.teardown(lease);
            next.close();
        }
    }

    /**
     * Whether the provider under {@code state} has written down an OOM kill: the engine may restart a container a
     * moment before the reconcile loop sees it, and what the provider never saw cannot survive its kill -9.
     */
    private static boolean recordedOomKill(Path state) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(state)) {
            return false;
        }
        try (var files = java.nio.file.Files.walk(state)) {
            return files.filter(f -> f.getFileName().toString().equals("health.json"))
                    .anyMatch(f -> {
                        try {
                            return java.nio.file.Files.readString(f).contains("OOMKilled");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
        }
    }

    private int forwardedPort(String lease) {
        @SuppressWarnings("unchecked")
        var ports = (List<LeaseManager.ForwardedPort>) leases.status(lease).get("forwardedPorts");
        assertThat(ports).hasSize(1);
        return ports.get(0).externalPort();
    }

    /** Listens on loopback port {@code port} (retrying while the engine lets go of it), never answering. */
    private static ServerSocket hold(int port) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                if (System.nanoTime() > until) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** The answer, or empty if there is none within a second. */
    private static String quietGet(int port, String host) {
        try {
            return rawGet(port, host, 1_000);
        } catch (IOException e) {
            return "";
        }
    }

    static String rawGet(int port, String host) throws IOException {
        return rawGet(port, host, 15_000);
    }

    private static String rawGet(int port, String host, int timeoutMs) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer within " + timeoutMs + " ms", e);
        }
    }
}

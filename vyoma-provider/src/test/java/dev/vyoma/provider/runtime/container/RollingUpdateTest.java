package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An update of a running lease through the lease manager and the ingress, as {@code vyoma deploy update} sends it:
 * the new replicas start beside the old ones, the traffic moves once they are ready, then the old ones stop, so
 * requests sent all along never fail; an update whose replicas never get ready is given up and the old ones keep
 * serving.
 */
class RollingUpdateTest {
    @TempDir
    static Path dir;

    static PodmanFixture podman;
    static final String OWNER = "rolling-" + Long.toHexString(System.nanoTime());

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

    @AfterEach
    void stop() throws Exception {
        runtime.removeOrphans(Set.of());
        leases.close();
        ingress.close();
        runtime.close();
    }

    private void start(Duration readyTimeout) throws Exception {
        runtime = new ContainerRuntime(
                Engine.connect(podman.address()),
                OWNER,
                state,
                new ContainerRuntime.Settings(
                        Clock.systemUTC(),
                        new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(10)),
                        Duration.ofMillis(250),
                        readyTimeout,
                        Duration.ofSeconds(1),
                        PodmanFixture.STOP_GRACE));
        ingress = Ingress.start("127.0.0.1", 0, "localhost");
        leases = new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
    }

    /** Two replicas of a web service whose page says {@code version} and which replica answered. */
    private TestSdl web(String version, String extra) {
        return new TestSdl(podman.image)
                .with(TestSdl.service("web")
                        .count(2)
                        .env("V=" + version)
                        .script("mkdir -p /www && echo \"$V from $HOSTNAME\" > /www/index.html" + extra
                                + " && exec httpd -f -p 80 -h /www")
                        .global(80, 80));
    }

    @Test
    void requestsSentThroughAnUpdateNeverFail() throws Exception {
        start(Duration.ofSeconds(60));
        String lease = "vyoma1tenant/1/1/1/vyoma1provider";
        leases.deploy(lease, web("v1", "").group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.status(lease).ready() == 2
                        && runtime.status(lease).updating().isEmpty());
        String host = ingress.hostFor(IngressId.of(lease, "web"));
        assertThat(get(host)).startsWith("HTTP/1.1 200").contains("v1 from web-");
        String v1 = runtime.status(lease).version();

        List<String> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread client = Thread.ofPlatform().start(() -> {
            while (sending.get()) {
                try {
                    answers.add(get(host));
                } catch (IOException e) {
                    answers.add("failed: " + e);
                }
            }
        });
        try {
            // The new version takes a moment to get ready: the old one serves meanwhile.
            leases.deploy(lease, web("v2", " && sleep 2").group());
            await().atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !runtime.status(lease).version().equals(v1)
                            && runtime.status(lease).updating().isEmpty()
                            && oldContainers(lease, runtime.status(lease).version()) == 0);
            int after = answers.size();
            await().atMost(10, TimeUnit.SECONDS).until(() -> answers.size() > after + 20);
        } finally {
            sending.set(false);
            client.join(10_000);
        }
        List<String> failed =
                answers.stream().filter(a -> !a.startsWith("HTTP/1.1 200")).toList();
        assertThat(failed).as("of %d requests", answers.size()).isEmpty();
        // Old pages until the traffic moved, new ones from then on: never a mix of both after the move.
        int firstNew = indexOf(answers, "v2 from web-");
        assertThat(firstNew).isPositive();
        assertThat(answers.subList(0, firstNew)).allMatch(a -> a.contains("v1 from web-"));
        assertThat(answers.subList(firstNew, answers.size())).allMatch(a -> a.contains("v2 from web-"));
        assertThat(leases.events(lease))
                .extracting(LeaseManager.LeaseEvent::message)
                .anyMatch(m -> m.startsWith("rolling update: starting 2 replica(s) of manifest"))
                .anyMatch(m -> m.equals("2 new replica(s) ready; traffic moves to them"))
                .anyMatch(m -> m.startsWith("manifest updated; services replaced: 2 of 2 replicas started"))
                .anyMatch(m -> m.equals("2 old replica(s) stopped"));
    }

    @Test
    void anUpdateThatNeverGetsReadyIsGivenUpAndTheOldReplicasServeOn() throws Exception {
        start(Duration.ofSeconds(5));
        String lease = "vyoma1tenant/2/1/1/vyoma1provider";
        leases.deploy(lease, web("v1", "").group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.status(lease).ready() == 2
                        && runtime.status(lease).updating().isEmpty());
        String v1 = runtime.status(lease).version();
        List<String> ids = runtime.replicaStates(lease).stream()
                .map(ContainerRuntime.ReplicaState::containerId)
                .toList();

        // Its web server listens on another port than the one it exposes: never ready.
        TestSdl broken = new TestSdl(podman.image)
                .with(TestSdl.service("web")
                        .count(2)
                        .env("V=v2")
                        .script("exec httpd -f -p 8080 -h /tmp")
                        .global(80, 80));
        leases.deploy(lease, broken.group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !runtime.status(lease).problem().isEmpty());
        assertThat(runtime.status(lease).problem())
                .startsWith("the update to manifest ")
                .contains("was not ready within 5 s (web-0: running; web-1: running)");
        assertThat(runtime.status(lease).version()).isEqualTo(v1);
        assertThat(runtime.status(lease).updating()).isEmpty();
        assertThat(runtime.replicaStates(lease))
                .extracting(ContainerRuntime.ReplicaState::containerId)
                .containsExactlyElementsOf(ids);
        assertThat(oldContainers(lease, v1)).isZero();
        String host = ingress.hostFor(IngressId.of(lease, "web"));
        assertThat(get(host)).startsWith("HTTP/1.1 200").contains("v1 from web-");
        assertThat(leases.events(lease))
                .extracting(LeaseManager.LeaseEvent::message)
                .anyMatch(m -> m.contains("does not run: the update to manifest"));
    }

    /** The lease's containers of any version but {@code version}. */
    private static long oldContainers(String lease, String version) throws Exception {
        return PodmanFixture.run(List.of(
                        "podman",
                        "ps",
                        "-a",
                        "--filter",
                        "label=" + LeaseObjects.LEASE + "=" + lease,
                        "--format",
                        "{{index .Labels \"" + LeaseObjects.VERSION + "\"}}"))
                .output()
                .lines()
                .filter(v -> !v.isBlank() && !v.equals(version))
                .count();
    }

    private static int indexOf(List<String> answers, String text) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private String get(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ingress.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

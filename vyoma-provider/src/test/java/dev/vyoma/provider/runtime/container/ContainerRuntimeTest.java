package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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
 * The container runtime on a real Podman: what a tenant's lease gets, and what it cannot reach. What every runtime
 * does (env only from the SDL, logs, update, close) is in {@link ContainerRuntimeContractTest}.
 */
class ContainerRuntimeTest {
    private static final AtomicInteger DSEQ = new AtomicInteger(1);

    @TempDir
    static Path dir;

    static PodmanFixture podman;
    static String owner;

    @TempDir
    Path state;

    private final List<ContainerRuntime> runtimes = new ArrayList<>();
    private ContainerRuntime runtime;

    @BeforeAll
    static void startPodman() throws Exception {
        podman = PodmanFixture.start(dir);
        owner = "test-"
                + HexFormat.of()
                        .formatHex(new Random()
                                .ints(4)
                                .collect(java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> {})
                                .toByteArray());
    }

    @AfterAll
    static void stopPodman() throws Exception {
        try {
            PodmanFixture.sweep(owner);
        } finally {
            podman.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        runtime = newRuntime();
    }

    @AfterEach
    void stop() throws Exception {
        runtime.removeOrphans(Set.of());
        runtimes.forEach(ContainerRuntime::close);
    }

    /** A runtime as a provider (re)starting over the same state would make it. */
    private ContainerRuntime newRuntime() throws IOException {
        ContainerRuntime r =
                new ContainerRuntime(Engine.connect(podman.address()), owner, state, PodmanFixture.settings());
        runtimes.add(r);
        return r;
    }

    private static String lease() {
        return "vyoma1tenant/" + DSEQ.getAndIncrement() + "/1/1/vyoma1provider";
    }

    private TestSdl sdl() {
        return new TestSdl(podman.image);
    }

    /** The name of the container that runs the replica now (its name holds the manifest version). */
    private String container(String lease, String service, int index) {
        return LeaseObjects.of(owner, lease).container(runtime.status(lease).version(), service, index);
    }

    private void awaitReady(String lease, int replicas) {
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.status(lease).ready() == replicas);
    }

    @Test
    void aWebServiceAnswersThroughTheIngress() throws Exception {
        String lease = lease();
        TestSdl web = sdl().with(TestSdl.service("web")
                .script("mkdir -p /www && echo \"<h1>from $HOSTNAME</h1>\" > /www/index.html"
                        + " && httpd -p 8081 -h /www && exec httpd -f -p 80 -h /www")
                .global(80, 80)
                .global(8081, 8081));
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            LeaseManager leases =
                    new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
            leases.deploy(lease, web.group());
            // The tenant's status counts the replica ready once its route leads to it.
            await().atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> leases.status(lease).get("ready").equals(1));
            String host = ingress.hostFor(IngressId.of(lease, "web"));
            String answer = rawGet(ingress.port(), host);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("<h1>from web-0</h1>");
            // The published port is on loopback only.
            int hostPort = runtime.status(lease).replicas().get(0).ports().get(80);
            assertThat(PodmanFixture.run(List.of("podman", "port", container(lease, "web", 0)))
                            .output())
                    .contains("80/tcp -> 127.0.0.1:" + hostPort)
                    .doesNotContain("0.0.0.0");
            // Another global port is a host port of the provider's, forwarded to the container's.
            @SuppressWarnings("unchecked")
            var forwarded =
                    (List<LeaseManager.ForwardedPort>) leases.status(lease).get("forwardedPorts");
            assertThat(forwarded).extracting(LeaseManager.ForwardedPort::port).containsExactly(8081);
            String page = rawGet(forwarded.get(0).externalPort(), "anything");
            assertThat(page).startsWith("HTTP/1.1 200").contains("<h1>from web-0</h1>");
            leases.close();
        }
    }

    @Test
    void servicesOfALeaseTalkByNameAndAnotherLeaseCannotReachThem() throws Exception {
        String a = lease();
        String b = lease();
        runtime.deploy(
                a,
                sdl().with(TestSdl.service("db")
                                .script(
                                        "mkdir -p /www && echo secret-rows > /www/rows && exec httpd -f -p 8080 -h /www")
                                .to(8080, "app"))
                        .with(TestSdl.service("app"))
                        .group());
        runtime.deploy(b, sdl().with(TestSdl.service("app")).group());
        awaitReady(a, 2);
        awaitReady(b, 1);
        // A port only for services is not published anywhere on the host.
        assertThat(runtime.status(a).replicas()).allMatch(r -> !r.ports().containsKey(8080));
        assertThat(PodmanFixture.run(List.of("podman", "port", container(a, "db", 0)))
                        .output())
                .doesNotContain("8080");
        String get = "printf 'GET /rows HTTP/1.0\\r\\n\\r\\n' | nc -w 3 %s 8080";
        assertThat(PodmanFixture.exec(container(a, "app", 0), "sh", "-c", get.formatted("db"))
                        .output())
                .contains("secret-rows");
        // The other lease resolves no such name, and its packets do not reach the address either.
        var byName = PodmanFixture.exec(container(b, "app", 0), "sh", "-c", get.formatted("db"));
        assertThat(byName.output()).doesNotContain("secret-rows");
        String ip = PodmanFixture.run(List.of(
                        "podman",
                        "inspect",
                        "--format",
                        "{{(index .NetworkSettings.Networks \""
                                + LeaseObjects.of(owner, a).network() + "\").IPAddress}}",
                        container(a, "db", 0)))
                .output()
                .strip();
        assertThat(ip).matches("[0-9.]+");
        var byAddress = PodmanFixture.exec(container(b, "app", 0), "sh", "-c", get.formatted(ip));
        assertThat(byAddress.output()).doesNotContain("secret-rows");
        assertThat(byAddress.code()).isNotZero();
    }

    @Test
    void aContainerGetsItsLimitsAndNothingOfTheHost() throws Exception {
        String lease = lease();
        runtime.deploy(
                lease,
                sdl().with(TestSdl.service("box")
                                .memory("64Mi")
                                .volume("cache", "8Mi", true, "/cache")
                                .volume("data", "16Mi", false, "/data"))
                        .group());
        awaitReady(lease, 1);
        String name = container(lease, "box", 0);
        try (Engine engine = Engine.connect(podman.address())) {
            var host = engine.api().inspectContainerCmd(name).exec().getHostConfig();
            // The ram volume's 8 MiB live in the container's memory: the limit is 64 + 8 MiB, without swap.
            assertThat(host.getMemory()).isEqualTo(72L << 20);
            assertThat(host.getMemorySwap()).isEqualTo(72L << 20);
            assertThat(host.getCpuQuota()).isEqualTo(25_000L);
            assertThat(host.getCpuPeriod()).isEqualTo(100_000L);
            assertThat(host.getPidsLimit()).isEqualTo(ReplicaLimits.PIDS_PER_REPLICA);
            assertThat(host.getPrivileged()).isFalse();
            assertThat(host.getCapAdd()).isNullOrEmpty();
            // Podman lists named volumes as binds; none is a host path.
            assertThat(host.getBinds())
                    .extracting(com.github.dockerjava.api.model.Bind::getPath)
                    .containsExactly(LeaseObjects.of(owner, lease).volume("box", 0, "data"));
        }
        // Inside: no new privileges, none of the capabilities that reach the host, the tmpfs of its size.
        String status = PodmanFixture.exec(name, "cat", "/proc/self/status").output();
        assertThat(status).contains("NoNewPrivs:\t1");
        long caps = Long.parseUnsignedLong(
                status.lines()
                        .filter(l -> l.startsWith("CapEff:"))
                        .findFirst()
                        .orElseThrow()
                        .substring("CapEff:".length())
                        .strip(),
                16);
        for (int cap : List.of(12 /* NET_ADMIN */, 16 /* SYS_MODULE */, 19 /* SYS_PTRACE */, 21 /* SYS_ADMIN */)) {
            assertThat(caps & (1L << cap)).as("capability %d", cap).isZero();
        }
        assertThat(PodmanFixture.exec(name, "sh", "-c", "df -k /cache | tail -1")
                        .output())
                .contains(" 8192 ");
        assertThat(PodmanFixture.exec(name, "sh", "-c", "ulimit -n").output().strip())
                .isEqualTo(Long.toString(ReplicaLimits.ofThisHost().openFiles()));
        var mounts = PodmanFixture.run(List.of(
                        "podman", "inspect", "--format", "{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}", name))
                .output();
        assertThat(mounts.strip().split(" ")).containsExactly("volume:/data"); // no bind; Podman lists tmpfs apart
    }

    @Test
    void aReplicaRemovedWhileRunningIsCreatedAgainAtOnceAsOneRestartWithoutFailedStarts() throws Exception {
        String lease = lease();
        // sleep as PID 1 ignores SIGTERM: the engine takes the whole stop grace to remove it, "stopping" and
        // "removing" meanwhile, which the loop must wait out instead of starting it.
        runtime.deploy(
                lease,
                sdl().with(TestSdl.service("web").script("exec sleep 3600")).group());
        awaitReady(lease, 1);
        String before = runtime.replicaStates(lease).get(0).containerId();

        assertThat(PodmanFixture.run(List.of("podman", "rm", "-f", before)).code())
                .isZero();
        long removed = System.nanoTime();
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    var s = runtime.replicaStates(lease).get(0);
                    return s.ready() && !s.containerId().equals(before);
                });
        Duration back = Duration.ofNanos(System.nanoTime() - removed);
        var after = runtime.replicaStates(lease).get(0);
        // One restart: no start of the container on its way out counted as a crash, which would also have added
        // backoff (before, the replacement came some 25 s later).
        assertThat(after.restarts()).isEqualTo(1);
        assertThat(after.lastExit()).doesNotContain("cannot start").isIn(Reconciler.REMOVED, "Error (exit code 137)");
        assertThat(back).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aStopKillsAWorkloadThatIgnoresSigtermAfterTheGraceAndAllReplicasOfALeaseStopTogether() throws Exception {
        Duration grace = Duration.ofSeconds(4);
        ContainerRuntime graceful = new ContainerRuntime(
                Engine.connect(podman.address()),
                owner,
                state.resolve("grace"),
                PodmanFixture.settings().withStopGrace(grace));
        runtimes.add(graceful);
        // sleep as PID 1 has no SIGTERM handler, so the kernel ignores the signal: only SIGKILL ends it.
        String deaf = lease();
        graceful.deploy(
                deaf,
                sdl().with(TestSdl.service("web").count(3).script("exec sleep 3600"))
                        .group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> graceful.status(deaf).ready() == 3);
        String name =
                LeaseObjects.of(owner, deaf).container(graceful.status(deaf).version(), "web", 0);
        // Whoever stops the container, the engine too gives it the grace.
        assertThat(PodmanFixture.run(List.of("podman", "inspect", "-f", "{{.Config.StopTimeout}}", name))
                        .output()
                        .strip())
                .isEqualTo("4");
        long start = System.nanoTime();
        graceful.teardown(deaf);
        Duration deafTook = Duration.ofNanos(System.nanoTime() - start);
        // One grace for the three, not one each (12 s).
        assertThat(deafTook).isGreaterThanOrEqualTo(grace).isLessThan(grace.multipliedBy(2));
        assertThat(PodmanFixture.run(List.of(
                                "podman",
                                "ps",
                                "-aq",
                                "--filter",
                                "label=" + LeaseObjects.OWNER + "=" + owner,
                                "--filter",
                                "label=" + LeaseObjects.LEASE + "=" + deaf))
                        .output())
                .isBlank();

        // A shell with a SIGTERM handler ends as soon as it is asked to.
        String polite = lease();
        graceful.deploy(
                polite,
                sdl().with(TestSdl.service("web").count(3).script("trap 'exit 0' TERM; while true; do sleep 1; done"))
                        .group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> graceful.status(polite).ready() == 3);
        start = System.nanoTime();
        graceful.teardown(polite);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(grace);
    }

    @Test
    void aMemoryHogIsOomKilledRestartedAndReported() throws Exception {
        String lease = lease();
        // The first run allocates without end; after its restart (same container, same file system) it idles.
        runtime.deploy(
                lease,
                sdl().with(
                                TestSdl.service("hog")
                                        .memory("16Mi")
                                        .script(
                                                "if [ -f /ran ]; then exec sleep 3600; fi; touch /ran; sleep 1; tail /dev/zero"))
                        .group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    var s = runtime.replicaStates(lease).get(0);
                    return s.restarts() == 1 && s.state().equals("running");
                });
        ContainerRuntime.ReplicaState s = runtime.replicaStates(lease).get(0);
        assertThat(s.lastExit()).isEqualTo("OOMKilled");
        assertThat(runtime.status(lease).problem()).contains("hog-0 restarted 1 time(s), last stopped: OOMKilled");
        awaitReady(lease, 1);
    }

    @Test
    void aFileOnAPersistentVolumeSurvivesKillAndRedeployAndGoesWithTheLease() throws Exception {
        String lease = lease();
        TestSdl v1 = sdl().with(TestSdl.service("db").volume("data", "32Mi", false, "/data"));
        runtime.deploy(lease, v1.group());
        awaitReady(lease, 1);
        String name = container(lease, "db", 0);
        assertThat(PodmanFixture.exec(name, "sh", "-c", "echo kept > /data/file")
                        .code())
                .isZero();

        // kill -9 of the container's process: the reconcile loop starts it again, with the same volume.
        String pid = Long.toString(runtime.status(lease).replicas().get(0).pid());
        assertThat(PodmanFixture.run(List.of("kill", "-9", pid)).code()).isZero();
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    var s = runtime.replicaStates(lease).get(0);
                    return s.restarts() == 1 && s.ready();
                });
        assertThat(runtime.replicaStates(lease).get(0).lastExit()).isEqualTo("Error (exit code 137)");
        assertThat(PodmanFixture.exec(name, "cat", "/data/file").output()).isEqualTo("kept\n");

        // A new manifest version replaces the container; the volume stays.
        String before = runtime.replicaStates(lease).get(0).containerId();
        runtime.deploy(
                lease,
                sdl().with(TestSdl.service("db").env("V=2").volume("data", "32Mi", false, "/data"))
                        .group());
        awaitReady(lease, 1);
        assertThat(runtime.replicaStates(lease).get(0).containerId()).isNotEqualTo(before);
        assertThat(PodmanFixture.run(List.of("podman", "container", "exists", name))
                        .code())
                .isNotZero();
        name = container(lease, "db", 0);
        assertThat(PodmanFixture.exec(name, "cat", "/data/file").output()).isEqualTo("kept\n");

        String volume = LeaseObjects.of(owner, lease).volume("db", 0, "data");
        assertThat(PodmanFixture.run(List.of("podman", "volume", "exists", volume))
                        .code())
                .isZero();
        runtime.teardown(lease);
        assertThat(PodmanFixture.run(List.of("podman", "volume", "exists", volume))
                        .code())
                .isNotZero();
        assertThat(PodmanFixture.run(List.of("podman", "container", "exists", name))
                        .code())
                .isNotZero();
        assertThat(PodmanFixture.run(List.of(
                                "podman",
                                "network",
                                "exists",
                                LeaseObjects.of(owner, lease).network()))
                        .code())
                .isNotZero();
    }

    @Test
    void aRestartedProviderAdoptsRunningContainersAndRemovesThoseOfClosedLeases() throws Exception {
        String kept = lease();
        String closed = lease();
        runtime.deploy(kept, sdl().with(TestSdl.service("web").count(2)).group());
        runtime.deploy(
                closed,
                sdl().with(TestSdl.service("db").volume("data", "16Mi", false, "/data"))
                        .group());
        awaitReady(kept, 2);
        awaitReady(closed, 1);
        List<String> ids = runtime.replicaStates(kept).stream()
                .map(ContainerRuntime.ReplicaState::containerId)
                .toList();
        String started = PodmanFixture.run(List.of("podman", "inspect", "--format", "{{.State.StartedAt}}", ids.get(0)))
                .output();

        // The provider dies without stopping anything; a new one starts over the same state.
        runtime.close();
        runtime = newRuntime();
        assertThat(runtime.adopt().running()).containsExactlyInAnyOrder(kept, closed);
        assertThat(runtime.replicaStates(kept))
                .extracting(ContainerRuntime.ReplicaState::containerId)
                .containsExactlyElementsOf(ids);
        assertThat(runtime.manifest(kept)).isPresent();
        assertThat(runtime.removeOrphans(Set.of(kept))).containsExactly(closed);
        assertThat(runtime.leases()).containsExactly(kept);
        awaitReady(kept, 2);
        assertThat(runtime.replicaStates(kept))
                .extracting(ContainerRuntime.ReplicaState::containerId)
                .containsExactlyElementsOf(ids);
        assertThat(runtime.replicaStates(kept))
                .extracting(ContainerRuntime.ReplicaState::restarts)
                .containsOnly(0);
        assertThat(PodmanFixture.run(List.of("podman", "inspect", "--format", "{{.State.StartedAt}}", ids.get(0)))
                        .output())
                .isEqualTo(started);
        String label = "label=" + LeaseObjects.LEASE + "=" + closed;
        for (String kind : List.of("container", "volume", "network")) {
            assertThat(PodmanFixture.run(List.of("podman", kind, "ls", "-q", "--filter", label))
                            .output())
                    .isBlank();
        }
    }

    @Test
    void aProviderKilledWithSignal9LeavesContainersTheNextOneAdoptsUntouched() throws Exception {
        String lease = lease();
        Path manifest = state.resolve("manifest.json");
        Files.writeString(
                manifest, sdl().with(TestSdl.service("web").count(2)).json().toString());
        Path childState = state.resolve("child");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RuntimeChild.class.getName(),
                        podman.address().uri(),
                        owner,
                        childState.toString(),
                        lease,
                        manifest.toString())
                .redirectErrorStream(true)
                .start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("deployed")) {
                // the child's log lines
            }
            assertThat(line).isEqualTo("deployed");
            child.destroyForcibly(); // SIGKILL: nothing of the runtime gets to run
            child.waitFor();
        }
        String label = "label=" + LeaseObjects.LEASE + "=" + lease;
        String before = PodmanFixture.run(List.of(
                        "podman", "ps", "-q", "--no-trunc", "--filter", label, "--format", "{{.ID}} {{.StartedAt}}"))
                .output();
        assertThat(before.lines()).hasSize(2);

        ContainerRuntime next =
                new ContainerRuntime(Engine.connect(podman.address()), owner, childState, PodmanFixture.settings());
        runtimes.add(next);
        assertThat(next.adopt().running()).containsExactly(lease);
        await().atMost(60, TimeUnit.SECONDS).until(() -> next.status(lease).ready() == 2);
        assertThat(PodmanFixture.run(List.of(
                                "podman",
                                "ps",
                                "-q",
                                "--no-trunc",
                                "--filter",
                                label,
                                "--format",
                                "{{.ID}} {{.StartedAt}}"))
                        .output())
                .isEqualTo(before);
        next.teardown(lease);
    }

    @Test
    void anImageThatCannotBeHadLeavesWhatRunsAsItIs() throws Exception {
        String lease = lease();
        runtime.deploy(lease, sdl().with(TestSdl.service("web")).group());
        awaitReady(lease, 1);
        String id = runtime.replicaStates(lease).get(0).containerId();
        String version = runtime.status(lease).version();

        TestSdl missing = new TestSdl("localhost/vyoma-test/no-such-image:1").with(TestSdl.service("web"));
        WorkloadRuntime.LeaseStatus s = runtime.deploy(lease, missing.group());
        assertThat(s.problem()).contains("image localhost/vyoma-test/no-such-image:1 cannot be pulled");
        assertThat(s.version()).isEqualTo(version);
        assertThat(s.ready()).isEqualTo(1);
        assertThat(runtime.replicaStates(lease).get(0).containerId()).isEqualTo(id);

        // A new lease with that image gets nothing in the engine, and says why.
        String other = lease();
        assertThat(runtime.deploy(other, missing.group()).problem()).contains("cannot be pulled");
        assertThat(runtime.leases()).contains(other);
        String label = "label=" + LeaseObjects.LEASE + "=" + other;
        for (String kind : List.of("container", "volume", "network")) {
            assertThat(PodmanFixture.run(List.of("podman", kind, "ls", "-q", "--filter", label))
                            .output())
                    .isBlank();
        }
    }

    @Test
    void logFollowersAtTheLimitAndOnePast() throws Exception {
        String lease = lease();
        runtime.deploy(
                lease,
                sdl().with(TestSdl.service("ticker").script("while true; do echo tick; sleep 0.2; done"))
                        .group());
        String id = runtime.replicaStates(lease).get(0).containerId();
        int max = ContainerLogs.MAX_FOLLOWERS;
        try (Engine engine = Engine.connect(podman.address())) {
            ContainerLogs logs = new ContainerLogs(engine);
            var follow = new WorkloadRuntime.LogRequest("", 1, true);
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<ContainerLogs.Source> sources =
                    java.util.Collections.nCopies(max, new ContainerLogs.Source("ticker", 0, id));
            logs.write(sources, follow, lines::add, () -> lines.size() >= 2 * max, () -> false);
            assertThat(lines).hasSizeGreaterThanOrEqualTo(2 * max);
            List<ContainerLogs.Source> more =
                    java.util.Collections.nCopies(max + 1, new ContainerLogs.Source("ticker", 0, id));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> logs.write(more, follow, lines::add, () -> true, () -> false))
                    .isInstanceOf(IOException.class)
                    .hasMessage("more than " + max + " log streams are open on this provider; try again");
        }
    }

    private static String rawGet(int port, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

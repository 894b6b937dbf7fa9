package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.runtime.WorkloadRuntime.Replica;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.testkit.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example web service as a real local process: it answers, survives a provider restart, and goes. */
class ProcessRuntimeTest {
    private static final String LEASE = "vyoma1owner/5/1/1/vyoma1provider";

    @TempDir
    Path state;

    private ProcessRuntime runtime;

    /** The first group of the SDL's manifest, read as the gateway reads what a tenant sends. */
    private static ManifestGroup manifest(String sdl) throws Exception {
        SdlDocument doc = Sdl.parse(sdl, "web.yaml").document();
        return ManifestReader.read(JsonWriter.compact(AkashJson.manifest(doc.manifest()))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .groups()
                .get(0);
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            for (String l : runtime.leases()) {
                runtime.teardown(l);
            }
        }
    }

    @Test
    void runsTheWebExampleAndReadoptsItAfterARestart() throws Exception {
        String web = Fixtures.webSdl();
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        ProcessRuntime.LeaseStatus s = runtime.deploy(LEASE, manifest(web));
        assertThat(s.total()).isEqualTo(1);
        await().atMost(20, TimeUnit.SECONDS).until(() -> runtime.status(LEASE).ready() == 1);
        int port = s.replicas().get(0).port();
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>web</h1>");
        // Through the ingress, by Host header, as the URI a tenant gets.
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            String host = ingress.route("abc123", port);
            assertThat(host).isEqualTo("abc123.ingress.localhost");
            String via = rawGet(ingress.port(), host);
            assertThat(via).startsWith("HTTP/1.1 200").contains("<h1>web</h1>");
            String unknown = rawGet(ingress.port(), "nope.ingress.localhost");
            assertThat(unknown).startsWith("HTTP/1.1 404").contains("no service at nope.ingress.localhost");
        }
        // Deploying again starts nothing more.
        assertThat(runtime.deploy(LEASE, manifest(web)).replicas()).isEqualTo(s.replicas());

        // A new runtime over the same state (the provider restarted) takes the same process back.
        ProcessRuntime again = new ProcessRuntime(ImageTable.defaults(), state);
        assertThat(again.adopt().running()).containsExactly(LEASE);
        assertThat(again.status(LEASE).replicas())
                .extracting(ProcessRuntime.Replica::pid)
                .containsExactly(s.replicas().get(0).pid());
        assertThat(again.status(LEASE).ready()).isEqualTo(1);
        runtime = again;

        // The lease ended while the provider was away: its process goes.
        assertThat(runtime.removeOrphans(Set.of())).containsExactly(LEASE);
        long pid = s.replicas().get(0).pid();
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertThat(runtime.leases()).isEmpty();
    }

    /** A GET with the given Host header, as curl sends it (the JDK's client will not set Host). */
    private static String rawGet(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A command entry: the service gets its port in PORT, and its env. */
    @Test
    void aCommandFromTheImageTableRunsWithItsPort() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ImageTable table = new ImageTable(java.util.List.of(new ImageTable.Entry(
                "acme/site*",
                null,
                java.util.List.of(
                        "sh",
                        "-c",
                        "exec '" + javaBin + "' -Xmx64m -cp '" + System.getProperty("java.class.path") + "' "
                                + StaticWebServer.class.getName() + " --port \"$PORT\" --title \"$GREETING\""))));
        String sdl = Fixtures.webSdl()
                .replace("image: nginx:1.27-alpine", "image: acme/site:1\n    env:\n      - GREETING=hello-from-env");
        runtime = new ProcessRuntime(table, state);
        ProcessRuntime.LeaseStatus s = runtime.deploy(LEASE, manifest(sdl));
        await().atMost(20, TimeUnit.SECONDS).until(() -> runtime.status(LEASE).ready() == 1);
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + s.replicas().get(0).port() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("<h1>hello-from-env</h1>");
    }

    /**
     * The attack: JVM options in the env of an nginx service, which the built-in web server (a JVM running this
     * provider's classes) would take as its own, running a shell command as the provider's user when it runs out
     * of metaspace. The replica's JVM never sees them: it serves its page and the command never runs.
     */
    @Test
    void tenantEnvIsNotTheBuiltInServersJvmOptions() throws Exception {
        Path marker = state.resolve("pwned");
        String payload = "-Xshare:off -XX:MaxMetaspaceSize=2m -XX:OnOutOfMemoryError=\"touch " + marker + "\"";
        String sdl = Fixtures.webSdl()
                .replace(
                        "image: nginx:1.27-alpine",
                        "image: nginx:1.27-alpine\n    env:\n      - 'JAVA_TOOL_OPTIONS=" + payload
                                + "'\n      - '_JAVA_OPTIONS=" + payload + "'\n      - 'JDK_JAVA_OPTIONS=" + payload
                                + "'\n      - TITLE=still-mine");
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        ProcessRuntime.LeaseStatus s = runtime.deploy(LEASE, manifest(sdl));
        await().atMost(20, TimeUnit.SECONDS).until(() -> runtime.status(LEASE).ready() == 1);
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + s.replicas().get(0).port() + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        // The title still arrives, as an argument.
        assertThat(page.body()).contains("<h1>still-mine</h1>");
        assertThat(marker).doesNotExist();
        assertThat(environment(s.replicas().get(0).pid()))
                .doesNotContainKeys("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "TITLE")
                .containsEntry("VYOMA_LEASE", LEASE);
    }

    /**
     * A java entry's JVM runs this provider's classes: it receives only the tenant variables its operator listed
     * (the inference worker's model name and secret), and an entry can never list one the JVM reads itself.
     */
    @Test
    void aJavaEntryReceivesOnlyTheTenantVariablesItsOperatorListed() throws Exception {
        for (String jvmReads : java.util.List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "LD_PRELOAD", "CLASSPATH")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageTable.Entry(
                            "acme/java*", null, java.util.List.of(), "a.Main", java.util.List.of(jvmReads)))
                    .hasMessageContaining("env " + jvmReads + " is not a variable a tenant may pass to a JVM");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageTable.Entry(
                        "acme/cmd*", null, java.util.List.of("sh"), null, java.util.List.of("MODEL_NAME")))
                .hasMessageContaining("a command gets the SDL's env");
        ImageTable table = new ImageTable(java.util.List.of(new ImageTable.Entry(
                "acme/java*",
                null,
                java.util.List.of("--port", "0", "--title", "t"),
                StaticWebServer.class.getName(),
                java.util.List.of("MODEL_NAME"))));
        String sdl = Fixtures.webSdl()
                .replace(
                        "image: nginx:1.27-alpine",
                        "image: acme/java:1\n    env:\n      - MODEL_NAME=tiny\n      - OTHER=x\n"
                                + "      - 'JAVA_TOOL_OPTIONS=-XX:OnOutOfMemoryError=id'");
        runtime = new ProcessRuntime(table, state);
        long pid = runtime.deploy(LEASE, manifest(sdl)).replicas().get(0).pid();
        await().atMost(20, TimeUnit.SECONDS).until(() -> environment(pid).containsKey("VYOMA_LEASE"));
        assertThat(environment(pid))
                .containsEntry("MODEL_NAME", "tiny")
                .doesNotContainKeys("OTHER", "JAVA_TOOL_OPTIONS");
    }

    /**
     * A replica starts from an empty environment: what the SDL sets, what the runtime defines (PORT, its lease, a
     * minimal PATH and HOME), and nothing of the provider's; and it runs in its own directory inside its lease's.
     */
    @Test
    void aReplicaGetsOnlyItsOwnEnvironmentAndDirectory() throws Exception {
        ImageTable table = new ImageTable(java.util.List.of(new ImageTable.Entry(
                "acme/env*", null, java.util.List.of("sh", "-c", "env; echo \"cwd=$(pwd)\"; exec sleep 600"))));
        String sdl = Fixtures.webSdl()
                .replace("image: nginx:1.27-alpine", "image: acme/env:1\n    env:\n      - GREETING=hello");
        runtime = new ProcessRuntime(table, state);
        ProcessRuntime.LeaseStatus s = runtime.deploy(LEASE, manifest(sdl));
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        await().atMost(20, TimeUnit.SECONDS).until(() -> {
            lines.clear();
            runtime.logs(LEASE, new WorkloadRuntime.LogRequest("", -1, false), lines::add, () -> true);
            return lines.stream().anyMatch(l -> l.contains("cwd="));
        });
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        String cwd = "";
        for (String l : lines) {
            String text = l.substring("[web-0] ".length());
            if (text.startsWith("cwd=")) {
                cwd = text.substring(4);
            } else if (text.contains("=")) {
                env.put(text.substring(0, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
            }
        }
        env.remove("PWD"); // the shell's own
        assertThat(env.keySet())
                .containsExactlyInAnyOrder("PATH", "HOME", "PORT", "PORT_80", "VYOMA_LEASE", "GREETING");
        assertThat(env)
                .containsEntry("PATH", ProcessRuntime.REPLICA_PATH)
                .containsEntry("GREETING", "hello")
                .containsEntry("PORT", Integer.toString(s.replicas().get(0).port()));
        Path leaseDir = state.resolve("leases").toRealPath();
        assertThat(Path.of(cwd)).startsWith(leaseDir).isNotEqualTo(leaseDir);
        assertThat(env.get("HOME")).isEqualTo(cwd);
        assertThat(Path.of(cwd)).isNotEqualTo(Path.of("").toAbsolutePath());
    }

    /** The web example's group with its one service renamed, built directly (as no reader would let it through). */
    private static ManifestGroup renamed(String name) throws Exception {
        ManifestGroup g = manifest(Fixtures.webSdl());
        ManifestService s = g.services().get(0);
        return new ManifestGroup(
                g.name(),
                java.util.List.of(new ManifestService(
                        name,
                        s.image(),
                        s.command(),
                        s.args(),
                        s.env(),
                        s.resources(),
                        s.count(),
                        s.expose(),
                        s.params(),
                        s.credentials())));
    }

    /**
     * The review's path attacks at the runtime itself, behind the gateway's checks: a service named as a path into
     * another lease's directory or out of the provider's, and a lease id that is a path. Refused before any file is
     * written or process started; the victim's replica and files are as they were.
     */
    @Test
    void namesAndLeaseIdsNeverBecomePathsOutOfTheirDirectory() throws Exception {
        String web = Fixtures.webSdl();
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        ProcessRuntime.LeaseStatus victim = runtime.deploy(LEASE, manifest(web));
        String attacker = "vyoma1mallory/7/1/1/vyoma1provider";
        Path leases = state.resolve("leases");
        java.util.List<Path> before;
        try (java.util.stream.Stream<Path> files = Files.walk(leases)) {
            before = files.sorted().toList();
        }
        for (String name : java.util.List.of(
                "../" + LEASE.replace('/', '_') + "/web", "../../../../../../tmp/vyoma-escape", "..", "web/../..")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.deploy(attacker, renamed(name)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a service name");
        }
        for (String lease : java.util.List.of(
                "../../../tmp/x/1/1/1/vyoma1p", "vyoma1a/1/1/1/..", "vyoma1a_/1/1/1/vyoma1p", "vyoma1a/1/1/1")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.deploy(lease, manifest(web)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a lease id");
        }
        assertThat(runtime.leases()).containsExactly(LEASE);
        try (java.util.stream.Stream<Path> files = Files.walk(leases)) {
            assertThat(files.sorted().toList()).isEqualTo(before);
        }
        assertThat(Path.of("/tmp/vyoma-escape")).doesNotExist();
        assertThat(runtime.status(LEASE).replicas()).isEqualTo(victim.replicas());
        // What a valid lease writes stays in its own directory.
        try (java.util.stream.Stream<Path> files = Files.walk(leases)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> leases.relativize(p).toString()))
                    .allMatch(p -> p.startsWith(LEASE.replace('/', '_') + "/"));
        }
    }

    /**
     * Records on disk are input too. After a restart the runtime adopts a lease only if every replica record is one
     * of its group's and its process proves to be that replica (start time, and its lease in its environment); it
     * never signals a process that does not: not another lease's replica that a record was made to point at, not
     * the provider itself. Directories that are not leases' are left alone.
     */
    @Test
    void aRecordOnDiskCannotTakeOverAnotherLeasesProcess() throws Exception {
        String web = Fixtures.webSdl();
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        String other = "vyoma1mallory/7/1/1/vyoma1provider";
        String self = "vyoma1mallory/8/1/1/vyoma1provider";
        long victimPid = runtime.deploy(LEASE, manifest(web)).replicas().get(0).pid();
        long otherPid = runtime.deploy(other, manifest(web)).replicas().get(0).pid();
        long selfPid = runtime.deploy(self, manifest(web)).replicas().get(0).pid();
        Path leases = state.resolve("leases");
        tools.jackson.databind.json.JsonMapper json =
                tools.jackson.databind.json.JsonMapper.builder().build();
        tools.jackson.databind.JsonNode victimRecord = json.readTree(leases.resolve(LEASE.replace('/', '_'))
                .resolve("replicas/web-0.json")
                .toFile());
        // The other lease's record now names the victim's process, start time and all.
        Path otherRecord = leases.resolve(other.replace('/', '_')).resolve("replicas/web-0.json");
        tools.jackson.databind.node.ObjectNode forged =
                (tools.jackson.databind.node.ObjectNode) json.readTree(otherRecord.toFile());
        forged.put("pid", victimPid);
        forged.put("started", victimRecord.path("started").asLong());
        Files.writeString(otherRecord, json.writeValueAsString(forged));
        // This one names the provider's own process.
        Path selfRecord = leases.resolve(self.replace('/', '_')).resolve("replicas/web-0.json");
        tools.jackson.databind.node.ObjectNode provider =
                (tools.jackson.databind.node.ObjectNode) json.readTree(selfRecord.toFile());
        provider.put("pid", ProcessHandle.current().pid());
        provider.put(
                "started",
                ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli());
        Files.writeString(selfRecord, json.writeValueAsString(provider));
        // Something that is not a lease's directory.
        Path junk = leases.resolve("..not_a_lease");
        Files.createDirectories(junk);
        Files.writeString(junk.resolve("keep"), "mine");
        try {
            ProcessRuntime again = new ProcessRuntime(ImageTable.defaults(), state);
            WorkloadRuntime.Found found = again.adopt();
            runtime = again;
            assertThat(found.running()).containsExactly(LEASE);
            // The two with false records are not whole: stopped, and removed as the lease manager does for leases
            // that are not active, which touches nothing of the victim's.
            assertThat(found.stopped()).containsOnlyKeys(other, self);
            again.teardown(other);
            again.teardown(self);
            assertThat(again.status(LEASE).replicas()).extracting(Replica::pid).containsExactly(victimPid);
            assertThat(again.removeOrphans(Set.of(LEASE))).isEmpty();
            assertThat(ProcessHandle.of(victimPid).map(ProcessHandle::isAlive)).contains(true);
            assertThat(leases.resolve(other.replace('/', '_'))).doesNotExist();
            assertThat(junk.resolve("keep")).hasContent("mine");
        } finally {
            ProcessHandle.of(otherPid).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(selfPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Output that never ends a line is passed on in bounded pieces as it comes, not held until a newline. */
    @Test
    void aLineThatNeverEndsComesInBoundedPieces() throws Exception {
        ImageTable table = new ImageTable(java.util.List.of(new ImageTable.Entry(
                "acme/noisy*",
                null,
                java.util.List.of("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; exec sleep 600"))));
        String sdl = Fixtures.webSdl().replace("image: nginx:1.27-alpine", "image: acme/noisy:1");
        runtime = new ProcessRuntime(table, state);
        runtime.deploy(LEASE, manifest(sdl));
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong chars = new java.util.concurrent.atomic.AtomicLong();
        runtime.logs(
                LEASE,
                new WorkloadRuntime.LogRequest("", 10, true),
                l -> {
                    lines.add(l);
                    chars.addAndGet(l.length() - "[web-0] ".length());
                },
                () -> chars.get() >= 200_000 - ProcessRuntime.MAX_LOG_LINE_CHARS);
        assertThat(lines)
                .isNotEmpty()
                .allMatch(l -> l.length() <= "[web-0] ".length() + ProcessRuntime.MAX_LOG_LINE_CHARS);
        assertThat(chars.get())
                .isEqualTo(200_000 / ProcessRuntime.MAX_LOG_LINE_CHARS * ProcessRuntime.MAX_LOG_LINE_CHARS);
    }

    /** What a replica's limit should read: the wanted value, or this process's own hard limit where that is lower. */
    private static String expected(String name, long wanted) throws Exception {
        String hard = limit(ProcessHandle.current().pid(), name).split(" ")[1];
        long v = hard.equals("unlimited") ? wanted : Math.min(wanted, Long.parseLong(hard));
        return v + " " + v;
    }

    /** A row of /proc/PID/limits: its soft and hard values. */
    private static String limit(long pid, String name) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith(name)) {
                String[] v = line.substring(26).strip().split("\\s+");
                return v[0] + " " + v[1];
            }
        }
        throw new AssertionError("no limit " + name);
    }

    /**
     * A replica runs within its service's SDL resources as far as the host allows without root: resource limits from
     * its memory and storage, a lower CPU priority (and, on a cgroup v2 host, its CPU and memory in its own cgroup).
     */
    @Test
    void aReplicaIsHeldToItsSdlResources() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isExecutable(Path.of("/usr/bin/nice")),
                "util-linux prlimit and coreutils nice are installed");
        String web = Fixtures.webSdl();
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        long pid = runtime.deploy(LEASE, manifest(web)).replicas().get(0).pid();
        await().atMost(20, TimeUnit.SECONDS).until(() -> runtime.status(LEASE).ready() == 1);
        long memory = 512L << 20;
        assertThat(limit(pid, "Max data size")).isEqualTo(expected("Max data size", memory));
        assertThat(limit(pid, "Max address space"))
                .isEqualTo(expected("Max address space", memory + ReplicaLimits.ADDRESS_SPACE_HEADROOM_BYTES));
        assertThat(limit(pid, "Max file size")).isEqualTo(expected("Max file size", 1L << 30));
        assertThat(limit(pid, "Max open files")).isEqualTo(expected("Max open files", ReplicaLimits.OPEN_FILES));
        assertThat(limit(pid, "Max processes")).isEqualTo(expected("Max processes", ReplicaLimits.USER_TASKS));
        assertThat(limit(pid, "Max core file size")).isEqualTo("0 0");
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(Integer.parseInt(fields[16])).as("nice").isEqualTo(ReplicaLimits.NICENESS);
        assertThat(runtime.confinement()).contains("prlimit", "nice 10");
    }

    /** The attack on memory: a replica of a 64 MiB service that takes more is stopped by the kernel at its limit. */
    @Test
    void aReplicaCannotTakeMoreMemoryThanItsService() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prlimit")), "util-linux prlimit is installed");
        ImageTable table = new ImageTable(
                java.util.List.of(
                        new ImageTable.Entry(
                                "acme/hog*",
                                null,
                                java.util.List.of(
                                        "sh",
                                        "-c",
                                        "x=$(head -c 20000000 /dev/zero | tr '\\0' x); echo small ${#x};"
                                                + " y=$(head -c 100000000 /dev/zero | tr '\\0' y); echo large ${#y}; exec sleep 600"))));
        String sdl = Fixtures.webSdl()
                .replace("image: nginx:1.27-alpine", "image: acme/hog:1")
                .replace("size: 512Mi", "size: 64Mi");
        runtime = new ProcessRuntime(table, state);
        long pid = runtime.deploy(LEASE, manifest(sdl)).replicas().get(0).pid();
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        java.util.List<String> lines = new java.util.ArrayList<>();
        runtime.logs(LEASE, new WorkloadRuntime.LogRequest("", -1, false), lines::add, () -> true);
        assertThat(lines).contains("[web-0] small 20000000").noneMatch(l -> l.contains("large"));
    }

    /** Stopping a lease stops what its replicas started, not only the replicas. */
    @Test
    void teardownStopsWhatAReplicaStarted() throws Exception {
        ImageTable table = new ImageTable(java.util.List.of(new ImageTable.Entry(
                "acme/forks*", null, java.util.List.of("sh", "-c", "sleep 600 & sleep 600 & echo forked; wait"))));
        String sdl = Fixtures.webSdl().replace("image: nginx:1.27-alpine", "image: acme/forks:1");
        runtime = new ProcessRuntime(table, state);
        long pid = runtime.deploy(LEASE, manifest(sdl)).replicas().get(0).pid();
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> ProcessHandle.of(pid).orElseThrow().children().count() == 2);
        java.util.List<ProcessHandle> tree =
                ProcessHandle.of(pid).orElseThrow().descendants().toList();
        runtime.teardown(LEASE);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(tree).hasSize(2).noneMatch(ProcessHandle::isAlive);
    }

    /**
     * What a devnet does when it stops: every replica stops, and what each lease runs is kept; the next start finds
     * the leases stopped and starts those still active again (and removes the others).
     */
    @Test
    void stoppedLeasesStartAgainIfStillActive() throws Exception {
        String web = Fixtures.webSdl();
        String ended = "vyoma1owner/6/1/1/vyoma1provider";
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            dev.vyoma.provider.LeaseManager leases = new dev.vyoma.provider.LeaseManager(
                    runtime, ingress, "127.0.0.1", state.resolve("routes"), java.time.Clock.systemUTC());
            leases.deploy(LEASE, manifest(web));
            leases.deploy(ended, manifest(web));
            long before = runtime.status(LEASE).replicas().get(0).pid();
            long endedPid = runtime.status(ended).replicas().get(0).pid();
            leases.stopAll();
            assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(ProcessHandle.of(endedPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(runtime.leases()).isEmpty();

            runtime = new ProcessRuntime(ImageTable.defaults(), state);
            dev.vyoma.provider.LeaseManager again = new dev.vyoma.provider.LeaseManager(
                    runtime, ingress, "127.0.0.1", state.resolve("routes"), java.time.Clock.systemUTC());
            assertThat(again.reconcile(Set.of(LEASE))).containsExactly(LEASE);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> runtime.status(LEASE).ready() == 1);
            assertThat(runtime.status(LEASE).replicas().get(0).pid()).isNotEqualTo(before);
            assertThat(again.events(LEASE)).anyMatch(e -> e.message().contains("stopped services started again"));
            assertThat(state.resolve("leases").resolve(ended.replace('/', '_'))).doesNotExist();
        }
    }

    /** A process's environment, from /proc. */
    private static java.util.Map<String, String> environment(long pid) throws Exception {
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        for (String kv : Files.readString(
                        Path.of("/proc", Long.toString(pid), "environ"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .split("\0")) {
            if (kv.contains("=")) {
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return env;
    }

    @Test
    void anImageThisProviderCannotRunIsSaidSo() throws Exception {
        String gpu = Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"));
        runtime = new ProcessRuntime(ImageTable.defaults(), state);
        ProcessRuntime.LeaseStatus s = runtime.deploy(LEASE, manifest(gpu));
        assertThat(s.total()).isZero();
        assertThat(s.problem()).contains("vllm/vllm-openai:v0.6.3").contains("image table");
    }
}

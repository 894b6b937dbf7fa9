package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link WorkloadRuntime} does for a tenant, through the {@link LeaseManager} and the {@link Ingress} as a
 * provider runs it: deploy, status and readiness, URIs that answer, env only from the SDL, update, logs, events,
 * close that removes everything, and refused manifests with a reason. Each runtime's test extends this with its own
 * runtime, image and {@link Capabilities}; a case a runtime cannot support is asserted as refused or absent as its
 * capabilities say, never skipped. Services run {@code sh -c SCRIPT} in an image with busybox; a web server listens
 * on {@code $PORT} when the runtime gives one, else on the SDL's port 80.
 */
public abstract class WorkloadRuntimeContract {
    private static final AtomicInteger DSEQ = new AtomicInteger(1);

    /**
     * What a runtime supports beyond the common contract: a {@code shell} in replicas, replicas restarted when they
     * exit, and the variables it adds to a replica's environment beside the SDL's (its own, and those {@code sh}
     * sets).
     */
    public record Capabilities(boolean shell, boolean restartsReplicas, Set<String> variablesAdded) {}

    @TempDir
    protected Path state;

    protected WorkloadRuntime runtime;
    private Ingress ingress;
    private LeaseManager leases;

    /** A new runtime keeping its records under {@code state}. */
    protected abstract WorkloadRuntime newRuntime(Path state) throws Exception;

    /** The image the test SDLs name: one this runtime runs, with busybox in it. */
    protected abstract String image();

    protected abstract Capabilities capabilities();

    /** An image this runtime cannot run, and the words of the status that say so. */
    protected abstract Map.Entry<String, String> unrunnableImage();

    /**
     * Asserts that nothing of {@code lease}, which ran {@code replicas}, is left on the host (processes, containers,
     * volumes, networks, files).
     */
    protected abstract void assertNothingLeft(String lease, List<WorkloadRuntime.Replica> replicas) throws Exception;

    /** Releases the runtime (the leases were torn down). */
    protected void closeRuntime(WorkloadRuntime r) throws Exception {}

    @BeforeEach
    void startRuntime() throws Exception {
        runtime = newRuntime(state.resolve("runtime"));
        ingress = Ingress.start("127.0.0.1", 0, "localhost");
        leases = new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
    }

    @AfterEach
    void stopRuntime() throws Exception {
        try {
            leases.close();
            for (String l : runtime.leases()) {
                runtime.teardown(l);
            }
            closeRuntime(runtime);
        } finally {
            ingress.close();
        }
    }

    protected static String lease() {
        return "vyoma1tenant/" + DSEQ.getAndIncrement() + "/1/1/vyoma1provider";
    }

    /** A one-service SDL: {@code script} run by {@code sh -c}, port 80 global, with {@code env}. */
    protected String sdl(String service, String script, List<String> env) {
        StringBuilder y = new StringBuilder("version: \"2.0\"\nservices:\n  ")
                .append(service)
                .append(":\n    image: ")
                .append(image())
                .append("\n    command: [\"sh\", \"-c\"]\n    args: [")
                .append(JsonWriter.compact(script))
                .append("]\n");
        if (!env.isEmpty()) {
            y.append("    env:\n");
            env.forEach(e -> y.append("      - ").append(JsonWriter.compact(e)).append('\n'));
        }
        y.append("    expose:\n      - port: 80\n        as: 80\n        to:\n          - global: true\n");
        y.append("profiles:\n  compute:\n    ")
                .append(service)
                .append(":\n      resources:\n        cpu: {units: 0.25}\n        memory: {size: 64Mi}\n")
                .append("        storage:\n          - size: 64Mi\n");
        y.append("  placement:\n    dc:\n      pricing:\n        ")
                .append(service)
                .append(": {denom: uusd, amount: 1000}\n");
        y.append("deployment:\n  ")
                .append(service)
                .append(":\n    dc: {profile: ")
                .append(service);
        y.append(", count: 1}\n");
        return y.toString();
    }

    /** A web service whose page says {@code title}. */
    protected String web(String title) {
        return sdl(
                "web",
                "mkdir -p www && echo \"<h1>$TITLE</h1>\" > www/index.html"
                        + " && exec busybox httpd -f -p ${PORT:-80} -h www",
                List.of("TITLE=" + title));
    }

    /** The group of the SDL's manifest, read as the gateway reads what a tenant sends. */
    protected static ManifestGroup group(String sdl) throws Exception {
        SdlResult r = Sdl.parse(sdl, "test.yaml");
        if (!(r instanceof SdlResult.Valid v)) {
            throw new IllegalArgumentException("test SDL is invalid: " + r.errors() + "\n" + sdl);
        }
        return ManifestReader.read(
                        JsonWriter.compact(AkashJson.manifest(v.document().manifest()))
                                .getBytes(StandardCharsets.UTF_8))
                .groups()
                .get(0);
    }

    private void awaitReady(String lease, String version) {
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, Object> s = leases.status(lease);
            return s.get("ready").equals(1)
                    && !s.containsKey("updating")
                    && runtime.status(lease).version().equals(version);
        });
    }

    private String uri(String lease) {
        @SuppressWarnings("unchecked")
        List<String> uris = (List<String>) leases.status(lease).get("uris");
        assertThat(uris).hasSize(1);
        return uris.get(0);
    }

    @Test
    void aDeployedWebServiceIsReadyAndItsUriAnswers() throws Exception {
        String lease = lease();
        ManifestGroup g = group(web("hello"));
        leases.deploy(lease, g);
        awaitReady(lease, g.version().hex());
        Map<String, Object> s = leases.status(lease);
        assertThat(s).containsEntry("total", 1).doesNotContainKey("problem");
        assertThat(runtime.leases()).contains(lease);
        assertThat(runtime.manifest(lease))
                .map(m -> m.version().hex())
                .contains(g.version().hex());
        // Ready in the status: the URI answers at once.
        assertThat(get(uri(lease))).startsWith("HTTP/1.1 200").contains("<h1>hello</h1>");
        assertThat(leases.events(lease))
                .extracting(LeaseManager.LeaseEvent::message)
                .anyMatch(m -> m.startsWith("manifest received"));
        // The same manifest again changes nothing.
        List<WorkloadRuntime.Replica> replicas = runtime.status(lease).replicas();
        leases.deploy(lease, g);
        assertThat(runtime.status(lease).replicas()).isEqualTo(replicas);
    }

    @Test
    void aReplicaSeesOnlyTheSdlsEnvironment() throws Exception {
        String lease = lease();
        leases.deploy(
                lease,
                group(sdl(
                        "env",
                        "env; echo END-OF-ENV; exec busybox httpd -f -p ${PORT:-80} -h .",
                        List.of("GREETING=hello world", "MODE=test"))));
        List<String> lines = new ArrayList<>();
        await().atMost(90, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    lines.clear();
                    runtime.logs(lease, new WorkloadRuntime.LogRequest("", -1, false), lines::add, () -> true);
                    return lines.contains("[env-0] END-OF-ENV");
                });
        List<String> names = lines.stream()
                .filter(l -> l.contains("="))
                .map(l -> l.substring("[env-0] ".length(), l.indexOf('=')))
                .toList();
        assertThat(lines).contains("[env-0] GREETING=hello world", "[env-0] MODE=test");
        Set<String> allowed = new java.util.HashSet<>(capabilities().variablesAdded());
        allowed.addAll(Set.of("GREETING", "MODE"));
        assertThat(names).allMatch(allowed::contains, "a variable of the SDL's or the runtime's own");
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (e.getValue().length() > 3
                    && !Set.of("PATH", "HOME", "TERM", "HOSTNAME", "PWD", "SHLVL", "OLDPWD")
                            .contains(e.getKey())) {
                assertThat(lines).noneMatch(l -> l.contains(e.getKey() + "=" + e.getValue()));
            }
        }
    }

    @Test
    void anUpdateMovesTheUriToTheNewManifest() throws Exception {
        String lease = lease();
        ManifestGroup v1 = group(web("one"));
        leases.deploy(lease, v1);
        awaitReady(lease, v1.version().hex());
        String uri = uri(lease);
        assertThat(get(uri)).contains("<h1>one</h1>");
        ManifestGroup v2 = group(web("two"));
        leases.deploy(lease, v2);
        awaitReady(lease, v2.version().hex());
        assertThat(uri(lease)).isEqualTo(uri);
        assertThat(get(uri)).startsWith("HTTP/1.1 200").contains("<h1>two</h1>");
        assertThat(runtime.manifest(lease))
                .map(m -> m.version().hex())
                .contains(v2.version().hex());
    }

    @Test
    void closingALeaseRemovesEverythingOfIt() throws Exception {
        String lease = lease();
        ManifestGroup g = group(web("bye"));
        leases.deploy(lease, g);
        awaitReady(lease, g.version().hex());
        String uri = uri(lease);
        // Where the provider routes the lease itself, its own ingress must stop serving the lease's host.
        boolean providerRoutes = runtime.endpoints(lease).isEmpty();
        List<WorkloadRuntime.Replica> replicas = runtime.status(lease).replicas();
        leases.ended(lease);
        assertThat(runtime.leases()).doesNotContain(lease);
        assertThat(runtime.status(lease).total()).isZero();
        assertThat(runtime.manifest(lease)).isEmpty();
        assertThat(leases.status(lease)).containsEntry("uris", List.of());
        if (providerRoutes) {
            assertThat(get(uri)).startsWith("HTTP/1.1 404");
        }
        assertNothingLeft(lease, replicas);
    }

    @Test
    void logsFollowNewLinesUntilTheCallerStops() throws Exception {
        String lease = lease();
        leases.deploy(
                lease,
                group(sdl(
                        "ticker",
                        "busybox httpd -p ${PORT:-80} -h .; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2;"
                                + " done",
                        List.of())));
        List<String> lines = new CopyOnWriteArrayList<>();
        await().atMost(90, TimeUnit.SECONDS)
                .until(() -> runtime.status(lease).replicas().size() == 1);
        runtime.logs(lease, new WorkloadRuntime.LogRequest("ticker", 1, true), lines::add, () -> lines.size() >= 6);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(6).allMatch(l -> l.matches("\\[ticker-0\\] tick-[0-9]+"));
        List<Integer> ticks = lines.stream()
                .map(l -> Integer.parseInt(l.substring(l.indexOf('-', 8) + 1)))
                .toList();
        assertThat(ticks).isSorted().doesNotHaveDuplicates();
        // Another service's name selects nothing.
        List<String> none = new ArrayList<>();
        runtime.logs(lease, new WorkloadRuntime.LogRequest("nope", 10, false), none::add, () -> true);
        assertThat(none).isEmpty();
    }

    @Test
    void aManifestThisRuntimeCannotRunIsRefusedWithItsReason() throws Exception {
        String lease = lease();
        Map.Entry<String, String> image = unrunnableImage();
        leases.deploy(lease, group(web("never").replace("image: " + image(), "image: " + image.getKey())));
        await().atMost(90, TimeUnit.SECONDS)
                .until(() -> String.valueOf(leases.status(lease).get("problem")).contains(image.getValue()));
        assertThat(leases.status(lease)).containsEntry("ready", 0);
        assertThat(runtime.status(lease).replicas()).isEmpty();
        // A URI listed for it (the process runtime lists the manifest's) leads to nothing.
        @SuppressWarnings("unchecked")
        List<String> uris = (List<String>) leases.status(lease).get("uris");
        for (String uri : uris) {
            assertThat(get(uri)).doesNotStartWith("HTTP/1.1 200");
        }
        assertThat(leases.events(lease))
                .extracting(LeaseManager.LeaseEvent::message)
                .anyMatch(m -> m.contains(image.getValue()));
    }

    @Test
    void aShellRunsInAReplicaOrIsRefusedAsUnsupported() throws Exception {
        String lease = lease();
        ManifestGroup g = group(web("shell"));
        leases.deploy(lease, g);
        awaitReady(lease, g.version().hex());
        Shell.Request request =
                new Shell.Request("", 0, List.of("sh", "-c", "cat www/index.html; exit 3"), false, false);
        if (!capabilities().shell()) {
            assertThatThrownBy(() -> leases.shell(lease, request))
                    .isInstanceOf(Shell.Refused.class)
                    .satisfies(
                            e -> assertThat(((Shell.Refused) e).reason()).isEqualTo(Shell.Refused.Reason.NOT_SUPPORTED))
                    .hasMessageContaining("not supported");
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Shell shell = leases.shell(lease, request)) {
            shell.start();
            assertThat(shell.pump((stream, bytes, off, len) -> out.write(bytes, off, len)))
                    .isEqualTo(3);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("<h1>shell</h1>");
        assertThatThrownBy(() -> leases.shell(lease, new Shell.Request("", 7, List.of("true"), false, false)))
                .isInstanceOf(Shell.Refused.class)
                .satisfies(
                        e -> assertThat(((Shell.Refused) e).reason()).isEqualTo(Shell.Refused.Reason.NO_SUCH_REPLICA));
    }

    @Test
    void aReplicaThatExitsIsStartedAgainOrReportedDown() throws Exception {
        String lease = lease();
        // The first run serves a moment and exits; a run after that (same working files) serves on.
        ManifestGroup g = group(sdl(
                "once",
                "mkdir -p www && echo up > www/index.html;"
                        + " if [ -f ran ]; then exec busybox httpd -f -p ${PORT:-80} -h www; fi; touch ran;"
                        + " busybox timeout 3 busybox httpd -f -p ${PORT:-80} -h www; echo exiting; exit 4",
                List.of()));
        leases.deploy(lease, g);
        if (capabilities().restartsReplicas()) {
            await().atMost(90, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> String.valueOf(leases.status(lease).get("problem"))
                            .contains("once-0 restarted 1 time(s), last stopped: Error (exit code 4)"));
            awaitReady(lease, g.version().hex());
            assertThat(get(uri(lease))).startsWith("HTTP/1.1 200").contains("up");
        } else {
            List<String> lines = new ArrayList<>();
            await().atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        lines.clear();
                        runtime.logs(lease, new WorkloadRuntime.LogRequest("", -1, false), lines::add, () -> true);
                        return lines.contains("[once-0] exiting");
                    });
            // It is not started again: a while later it is still down, and says so.
            Thread.sleep(3000);
            assertThat(leases.status(lease)).containsEntry("ready", 0).containsEntry("total", 1);
            assertThat(get(uri(lease))).doesNotStartWith("HTTP/1.1 200");
        }
    }

    /** A GET of {@code uri} ({@code host:port}) with its Host header, as curl sends it. */
    protected static String get(String uri) throws IOException {
        int colon = uri.lastIndexOf(':');
        String host = uri.substring(0, colon);
        int port = Integer.parseInt(uri.substring(colon + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
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

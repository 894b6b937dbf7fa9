package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runtime's small parts that need no engine: addresses, backoff, the kernel log's times, host limits. */
class SmallPartsTest {
    @Test
    void anEngineAddressIsAnAbsoluteUnixSocket() {
        assertThat(EngineAddress.parse("unix:///run/podman/podman.sock").socket())
                .isEqualTo(Path.of("/run/podman/podman.sock"));
        assertThatThrownBy(() -> EngineAddress.parse("tcp://10.0.0.1:2375"))
                .hasMessageContaining("give a Unix socket such as unix:///run/podman/podman.sock");
        assertThatThrownBy(() -> EngineAddress.parse("unix://run/podman.sock")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> EngineAddress.parse("unix:///run/../etc/podman.sock"))
                .hasMessageContaining("normalized");
        String longest = "/" + "s".repeat(EngineAddress.MAX_SOCKET_PATH_BYTES - 1);
        assertThat(EngineAddress.parse("unix://" + longest).socket().toString()).hasSize(107);
        assertThatThrownBy(() -> EngineAddress.parse("unix://" + longest + "s")).hasMessageContaining("over 107 bytes");
    }

    @Test
    void theEngineIsTheConfiguredOneThenDockerHostThenTheUsualSockets() {
        Set<Path> present = Set.of(Path.of("/var/run/docker.sock"), Path.of("/run/user/1000/podman/podman.sock"));
        Optional<EngineAddress> configured = Optional.of(EngineAddress.parse("unix:///srv/engine.sock"));
        assertThat(EngineAddress.discover(configured, Map.of("DOCKER_HOST", "unix:///x.sock"), present::contains))
                .isEqualTo(configured);
        assertThat(EngineAddress.discover(Optional.empty(), Map.of("DOCKER_HOST", "unix:///x.sock"), p -> false))
                .contains(EngineAddress.parse("unix:///x.sock"));
        assertThat(EngineAddress.discover(Optional.empty(), Map.of(), present::contains))
                .contains(EngineAddress.parse("unix:///var/run/docker.sock"));
        assertThat(EngineAddress.discover(
                        Optional.empty(),
                        Map.of("XDG_RUNTIME_DIR", "/run/user/1000"),
                        Path.of("/run/user/1000/podman/podman.sock")::equals))
                .contains(EngineAddress.parse("unix:///run/user/1000/podman/podman.sock"));
        assertThat(EngineAddress.discover(Optional.empty(), Map.of(), p -> false))
                .isEmpty();
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1));
        assertThat(List.of(b.delay(0), b.delay(1), b.delay(2), b.delay(3), b.delay(4), b.delay(1000)))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10));
        assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE)).isEqualTo(Backoff.MAX);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReplicaThatRanLongEnoughStartsItsBackoffAgain() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        ReplicaHealth h = ReplicaHealth.NEW
                .exited("OOMKilled", t)
                .restarted()
                .exited("OOMKilled", t)
                .restarted();
        assertThat(h.crashes()).isEqualTo(2);
        h = h.running(t, b).running(t.plusSeconds(59), b);
        assertThat(h.crashes()).isEqualTo(2);
        h = h.running(t.plusSeconds(60), b);
        assertThat(h.crashes()).isZero();
        assertThat(h.restarts()).isEqualTo(2);
        assertThat(h.lastExit()).isEqualTo("OOMKilled");
    }

    @Test
    void kernelLogLinesCountOnlyWithinTheContainersLastRun() {
        String line = "2026-12-07T12:23:20,093647+00:00 oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/libpod-ab";
        Instant at = Instant.parse("2026-12-07T12:23:20Z");
        assertThat(KernelOomLog.within(line, at.minusSeconds(1), at.plusSeconds(1)))
                .isTrue();
        assertThat(KernelOomLog.within(line, at.plusSeconds(1), at.plusSeconds(5)))
                .isFalse();
        assertThat(KernelOomLog.within("[ 12.5] oom-kill: no wall time", at, at))
                .isFalse();
        assertThat(new KernelOomLog().killed("$(reboot)", at, at)).isFalse();
    }

    @Test
    void ulimitsAreCappedAtTheHostsHardLimits() {
        List<String> limits = List.of(
                "Limit                     Soft Limit           Hard Limit           Units",
                "Max processes             96367                96367                processes",
                "Max open files            1024                 20000                files");
        assertThat(ReplicaLimits.hard(limits, "Max open files", 7)).isEqualTo(20000);
        assertThat(ReplicaLimits.hard(List.of("Max open files  unlimited unlimited files"), "Max open files", 7))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(ReplicaLimits.hard(List.of(), "Max open files", 7)).isEqualTo(7);
        ReplicaLimits here = ReplicaLimits.ofThisHost();
        assertThat(here.openFiles()).isBetween(1L, ReplicaLimits.OPEN_FILES_PER_REPLICA);
        assertThat(here.processes()).isBetween(1L, ReplicaLimits.PIDS_PER_REPLICA);
    }

    @Test
    void logLinesAreCutAtTheLimit() {
        List<String> out = new java.util.ArrayList<>();
        ContainerLogs.Lines lines = new ContainerLogs.Lines("[web-0] ", out::add);
        int max = ContainerLogs.MAX_LINE_BYTES;
        byte[] atLimit = ("a".repeat(max) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] onePast = ("b".repeat(max + 1) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        lines.onNext(
                new com.github.dockerjava.api.model.Frame(com.github.dockerjava.api.model.StreamType.STDOUT, atLimit));
        lines.onNext(
                new com.github.dockerjava.api.model.Frame(com.github.dockerjava.api.model.StreamType.STDOUT, onePast));
        // A line split across frames is one line; the unfinished last one comes at the end of the stream.
        lines.onNext(new com.github.dockerjava.api.model.Frame(
                com.github.dockerjava.api.model.StreamType.STDERR,
                "he".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        lines.onNext(new com.github.dockerjava.api.model.Frame(
                com.github.dockerjava.api.model.StreamType.STDERR,
                "llo\nbye".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        lines.onComplete();
        assertThat(out)
                .containsExactly(
                        "[web-0] " + "a".repeat(max),
                        "[web-0] " + "b".repeat(max),
                        "[web-0] b",
                        "[web-0] hello",
                        "[web-0] bye");
    }

    @Test
    void aStoredManifestIsReadBackUpToItsLimit(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        LeaseStore store = new LeaseStore(dir, "vyoma1p");
        String lease = "vyoma1t/1/1/1/vyoma1p";
        store.save(lease, new byte[(int) LeaseStore.MAX_MANIFEST_BYTES]);
        assertThat(store.manifest(lease)).isPresent();
        assertThat(store.leases()).containsExactly(lease);
        store.save(lease, new byte[(int) LeaseStore.MAX_MANIFEST_BYTES + 1]);
        assertThat(store.manifest(lease)).isEmpty();
        store.delete(lease);
        assertThat(store.leases()).isEmpty();
        // A directory whose lease file names another lease was not written by this store: ignored.
        java.nio.file.Files.createDirectories(dir.resolve("containers/0000000000000000"));
        java.nio.file.Files.writeString(dir.resolve("containers/0000000000000000/lease"), lease);
        assertThat(store.leases()).isEmpty();
    }

    @Test
    void engineFailuresAndExitReasonsAreOneBoundedLine() {
        assertThat(Engine.oneLine("Status 404: {\"cause\":\"no such container\",\"message\":\"no container with name"
                        + " x\",\"response\":404}"))
                .isEqualTo("no container with name x");
        assertThat(Engine.oneLine("  first\tline \n second")).isEqualTo("first line");
        int max = Reconciler.MAX_REASON_CHARS;
        assertThat(Reconciler.bounded("e".repeat(max))).hasSize(max).doesNotContain("…");
        assertThat(Reconciler.bounded("e".repeat(max + 1))).hasSize(max).endsWith("…");
    }

    @Test
    void aFailedPullKeepsTheEndOfTheEnginesReasonAtMostItsLimit() {
        int max = ImagePuller.MAX_REASON_CHARS;
        String prefix = "image x cannot be pulled: ";
        assertThat(ImagePuller.cannot("x", "r".repeat(max))).isEqualTo(prefix + "r".repeat(max));
        String longer = ImagePuller.cannot("x", "s" + "r".repeat(max - 7) + " denied");
        assertThat(longer.substring(prefix.length()))
                .hasSize(max)
                .startsWith("…")
                .endsWith("r denied");
    }

    @Test
    void aPullTellsAtMostItsLimitOfProgressLines() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int layers : new int[] {ImagePuller.MAX_EVENTS_PER_PULL, ImagePuller.MAX_EVENTS_PER_PULL + 1}) {
            List<String> told = new java.util.ArrayList<>();
            ImagePuller.Progress progress = new ImagePuller.Progress("img", told::add);
            for (int i = 0; i < layers; i++) {
                for (String status : List.of("Pulling fs layer", "Downloading", "Downloading", "Download complete")) {
                    if (!status.equals("Downloading") || i == 0) {
                        progress.onNext(json.readValue(
                                "{\"status\":\"" + status + "\",\"id\":\"l" + i + "\"}",
                                com.github.dockerjava.api.model.PullResponseItem.class));
                    }
                }
            }
            // Each layer's steps once: two per layer here (and one Downloading for the first).
            int steps = 2 * layers + 1;
            assertThat(told).hasSize(Math.min(steps, ImagePuller.MAX_EVENTS_PER_PULL));
            assertThat(progress.untold()).isEqualTo(Math.max(0, steps - ImagePuller.MAX_EVENTS_PER_PULL));
            assertThat(told.get(0)).isEqualTo("image img: layer l0 Pulling fs layer");
        }
        ImagePuller.Progress failed = new ImagePuller.Progress("img", l -> {});
        failed.onNext(json.readValue(
                "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},\"error\":\"x\"}",
                com.github.dockerjava.api.model.PullResponseItem.class));
        assertThat(failed.error()).isEqualTo("unauthorized: authentication required");
    }

    @Test
    void anExecAnswersHeadAtItsLimitIsReadAndOneBytePastIsRefused() throws Exception {
        int max = ExecStream.MAX_HEAD_BYTES;
        String status = "HTTP/1.1 101 UPGRADED\r\nX: ";
        String at = status + "a".repeat(max - status.length() - 4) + "\r\n\r\n";
        assertThat(at).hasSize(max);
        assertThat(ExecStream.head(
                        new java.io.ByteArrayInputStream((at + "stream").getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(at);
        String past = status + "a".repeat(max - status.length() - 3) + "\r\n\r\n";
        assertThatThrownBy(() ->
                        ExecStream.head(new java.io.ByteArrayInputStream(past.getBytes(StandardCharsets.US_ASCII))))
                .hasMessage("the engine's answer head is over " + max + " bytes");
        assertThatThrownBy(() -> ExecStream.head(new java.io.ByteArrayInputStream(new byte[0])))
                .hasMessage("the engine closed the connection before it answered");
    }

    @Test
    void rolloutsAtTheMostPendingAndOnePast() throws Exception {
        Rollouts rollouts = new Rollouts();
        java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
        dev.vyoma.provider.runtime.WorkloadRuntime.Rollout quiet =
                new dev.vyoma.provider.runtime.WorkloadRuntime.Rollout() {
                    @Override
                    public void event(String message) {}

                    @Override
                    public void cutover() {}
                };
        try {
            for (int i = 0; i < Rollouts.MAX_PENDING; i++) {
                assertThat(rollouts.full()).as("job %d", i).isFalse();
                String lease = "vyoma1t/" + (i + 1) + "/1/1/vyoma1p";
                // Held at their start by the gate: none of them gets to do anything.
                rollouts.submit(new RolloutJob(null, new LeasePlan(lease, "v" + i, List.of()), List.of(), quiet, gate));
                assertThat(rollouts.updating(lease)).contains("v" + i);
            }
            assertThat(rollouts.full()).isTrue();
        } finally {
            rollouts.close();
            gate.complete(null);
        }
    }

    @Test
    void theTestImageNeedsAStaticBusybox() throws Exception {
        assertThat(dev.vyoma.testkit.ContainerImages.isStatic(Path.of("/bin/busybox")))
                .isTrue();
        assertThat(dev.vyoma.testkit.ContainerImages.isStatic(Path.of("/bin/sh")))
                .isFalse();
        assertThat(dev.vyoma.testkit.ContainerImages.isStatic(Path.of("/etc/hostname")))
                .isFalse();
    }

    @Test
    void namesComeFromOwnerAndLeaseAndNeverCollideAcrossProviders() {
        LeaseObjects a = LeaseObjects.of("vyoma1p", "vyoma1t/1/1/1/vyoma1p");
        LeaseObjects b = LeaseObjects.of("vyoma1q", "vyoma1t/1/1/1/vyoma1p");
        assertThat(a.network()).matches("vyoma-[0-9a-f]{16}");
        // Two manifest versions of a replica run side by side during an update: the version is in the name.
        assertThat(a.container("0123456789abcdef", "web", 2)).isEqualTo(a.network() + "-web-2-0123456789ab");
        assertThat(a.container("fedcba9876543210", "web", 2)).isNotEqualTo(a.container("0123456789abcdef", "web", 2));
        assertThat(a.volume("db", 0, "data")).isEqualTo(a.network() + "-db-0-data");
        assertThat(a.network()).isNotEqualTo(b.network());
        assertThat(a.labels("v1", "web", 2))
                .containsEntry(LeaseObjects.OWNER, "vyoma1p")
                .containsEntry(LeaseObjects.LEASE, "vyoma1t/1/1/1/vyoma1p")
                .containsEntry(LeaseObjects.SERVICE, "web")
                .containsEntry(LeaseObjects.REPLICA, "2")
                .containsEntry(LeaseObjects.VERSION, "v1");
    }
}

package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPUs handed to containers as CDI devices, on real Podman: a CDI spec of kind {@code vyoma.test/gpu} with three
 * devices, each of which sets one variable ({@code FAKE_GPU<N>=<N>}) in the container it is handed to, so a
 * container's environment shows exactly which devices it got. The spec goes into {@code /etc/cdi} under a name of
 * its own and is deleted at the end.
 */
class GpuContainerTest {
    private static final String KIND = "vyoma.test/gpu";
    private static final int GPUS = 3;
    private static final GpuDevice H100 = new GpuDevice("nvidia", "h100", 80L << 30, "sxm");
    private static final AtomicInteger DSEQ = new AtomicInteger(1);

    @TempDir
    static Path dir;

    static PodmanFixture podman;
    static Path cdiSpec;
    static String owner;

    @TempDir
    Path state;

    private final List<ContainerRuntime> runtimes = new ArrayList<>();
    private ContainerRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder y = new StringBuilder("cdiVersion: \"0.5.0\"\nkind: \"" + KIND + "\"\ndevices:\n");
        for (int i = 0; i < GPUS; i++) {
            y.append("  - name: \"")
                    .append(i)
                    .append("\"\n    containerEdits:\n      env:\n        - \"FAKE_GPU")
                    .append(i)
                    .append('=')
                    .append(i)
                    .append("\"\n");
        }
        Files.createDirectories(Path.of("/etc/cdi"));
        cdiSpec = Path.of("/etc/cdi/vyoma-test-" + UUID.randomUUID() + ".yaml");
        Files.writeString(cdiSpec, y);
        podman = PodmanFixture.start(dir);
        owner = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            PodmanFixture.sweep(owner);
            podman.close();
        } finally {
            Files.deleteIfExists(cdiSpec);
        }
    }

    @AfterEach
    void closeRuntimes() throws Exception {
        runtimes.get(runtimes.size() - 1).removeOrphans(Set.of());
        runtimes.forEach(ContainerRuntime::close);
    }

    private ContainerRuntime newRuntime() throws IOException {
        List<GpuDevice> devices = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            devices.add(H100);
        }
        ContainerRuntime r = new ContainerRuntime(
                Engine.connect(podman.address()),
                owner,
                state,
                new ContainerRuntime.Settings(
                        Clock.systemUTC(),
                        new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(10)),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(60),
                        Duration.ofMillis(100),
                        PodmanFixture.STOP_GRACE),
                GpuPool.of(KIND, devices, List.of()));
        runtimes.add(r);
        runtime = r;
        return r;
    }

    private static String lease() {
        return "vyoma1tenant/" + DSEQ.getAndIncrement() + "/1/1/vyoma1provider";
    }

    /** A service with {@code gpus} H100s that writes the GPU variables it sees, then serves port 80. */
    private TestSdl sdl(int gpus) {
        return new TestSdl(podman.image)
                .with(TestSdl.service("llm")
                        .gpu(gpus, "h100")
                        .script("env | grep FAKE_GPU | sort > /tmp/gpus; exec sleep 3600"));
    }

    private String container(String lease) {
        return LeaseObjects.of(owner, lease).container(runtime.status(lease).version(), "llm", 0);
    }

    /** The GPU variables the lease's replica sees. */
    private Set<String> gpusSeen(String lease) throws Exception {
        String name = container(lease);
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> PodmanFixture.exec(name, "test", "-s", "/tmp/gpus").code() == 0);
        return new HashSet<>(PodmanFixture.exec(name, "cat", "/tmp/gpus")
                .output()
                .strip()
                .lines()
                .toList());
    }

    private WorkloadRuntime.LeaseStatus deploy(String lease, int gpus) throws IOException {
        return runtime.deploy(lease, sdl(gpus).group());
    }

    @Test
    void leasesGetDisjointGpusOnlyTheirOwnAndGetThemBackAfterARestart() throws Exception {
        newRuntime();
        String a = lease();
        String b = lease();
        assertThat(deploy(a, 2).problem()).isEmpty();
        assertThat(deploy(b, 1).problem()).isEmpty();
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> runtime.status(a).ready() == 1 && runtime.status(b).ready() == 1);

        Set<String> seenA = gpusSeen(a);
        Set<String> seenB = gpusSeen(b);
        assertThat(seenA).hasSize(2).allMatch(v -> v.matches("FAKE_GPU[0-2]=[0-2]"));
        assertThat(seenB).hasSize(1).doesNotContainAnyElementsOf(seenA);
        Set<String> all = new HashSet<>(seenA);
        all.addAll(seenB);
        assertThat(all).containsExactlyInAnyOrder("FAKE_GPU0=0", "FAKE_GPU1=1", "FAKE_GPU2=2");

        // Every GPU is taken: a third lease is refused, with the reason, and runs nothing.
        String c = lease();
        WorkloadRuntime.LeaseStatus refused = deploy(c, 1);
        assertThat(refused.problem())
                .contains("service llm: asks for 1 GPU(s) of [vendor/nvidia/model/h100]")
                .contains("this provider has 3 such GPU(s) and 0 of them free");
        assertThat(refused.total()).isZero();

        // Closing b frees its GPU: c now gets exactly that one.
        runtime.teardown(b);
        runtime.teardown(c);
        assertThat(deploy(c, 1).problem()).isEmpty();
        await().atMost(60, TimeUnit.SECONDS).until(() -> runtime.status(c).ready() == 1);
        assertThat(gpusSeen(c)).isEqualTo(seenB);

        // A restarted provider adopts the running containers, and the leases keep their GPUs.
        String idA = PodmanFixture.run(List.of("podman", "inspect", "-f", "{{.Id}}", container(a)))
                .output()
                .strip();
        runtime.close();
        newRuntime();
        assertThat(runtime.adopt().running()).containsExactlyInAnyOrder(a, c);
        assertThat(PodmanFixture.run(List.of("podman", "inspect", "-f", "{{.Id}}", container(a)))
                        .output()
                        .strip())
                .isEqualTo(idA);
        assertThat(gpusSeen(a)).isEqualTo(seenA);
        String d = lease();
        assertThat(deploy(d, 1).problem()).contains("0 of them free");
        runtime.teardown(d);

        // A replica the engine lost is created again with the same GPUs.
        PodmanFixture.run(List.of("podman", "rm", "-f", container(c)));
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> PodmanFixture.run(List.of("podman", "container", "exists", container(c)))
                                .code()
                        == 0);
        assertThat(gpusSeen(c)).isEqualTo(seenB);
    }

    @Test
    void theLibpodContainerGetsWhatTheDockerApiOneGets() throws Exception {
        newRuntime();
        String lease = lease();
        TestSdl sdl = new TestSdl(podman.image)
                .with(TestSdl.service("llm")
                        .gpu(1, "h100")
                        .env("GREETING=hello")
                        .env("EMPTY=")
                        .volume("cache", "16Mi", true, "/cache")
                        .volume("data", "32Mi", false, "/data")
                        .global(80, 80)
                        .script("env | grep FAKE_GPU | sort > /tmp/gpus; exec httpd -f -p 80 -h /tmp"))
                .with(TestSdl.service("plain")
                        .env("GREETING=hello")
                        .env("EMPTY=")
                        .volume("cache", "16Mi", true, "/cache")
                        .volume("data", "32Mi", false, "/data")
                        .global(80, 80)
                        .script("env | grep FAKE_GPU | sort > /tmp/gpus; exec httpd -f -p 80 -h /tmp"));
        assertThat(runtime.deploy(lease, sdl.group()).problem()).isEmpty();
        await().atMost(60, TimeUnit.SECONDS).until(() -> runtime.status(lease).ready() == 2);
        String name = container(lease);
        assertThat(gpusSeen(lease)).hasSize(1);

        String env = PodmanFixture.exec(name, "env").output();
        Set<String> names = new HashSet<>();
        env.lines().forEach(l -> names.add(l.substring(0, Math.max(0, l.indexOf('=')))));
        names.removeAll(Set.of("PATH", "HOSTNAME", "HOME", "TERM", "container", "SHLVL", "PWD"));
        // A command run in the replica sees the SDL's variables only (the device's edits reach its own processes).
        assertThat(names).containsExactlyInAnyOrder("GREETING", "EMPTY");
        assertThat(env).contains("GREETING=hello\n");

        // The same service without a GPU goes through the Docker API: the engine reports the same settings.
        String plain =
                LeaseObjects.of(owner, lease).container(runtime.status(lease).version(), "plain", 0);
        String fields = "{{.HostConfig.Privileged}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"
                + " {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.PidsLimit}}"
                + " {{.HostConfig.SecurityOpt}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Ulimits}}"
                + " {{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}"
                + " {{.Config.Entrypoint}} {{.Config.Cmd}} {{.Config.Image}} {{.HostConfig.LogConfig.Type}}"
                + " {{.HostConfig.LogConfig.Size}} {{range .Mounts}}{{.Type}}:{{.Destination}}:{{.RW}} {{end}}"
                + " {{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}";
        String inspect = PodmanFixture.run(List.of("podman", "inspect", "-f", fields, name))
                .output()
                .strip();
        assertThat(inspect)
                .isEqualTo(PodmanFixture.run(List.of("podman", "inspect", "-f", fields, plain))
                        .output()
                        .strip()
                        .replace("-plain-0", "-llm-0"))
                .startsWith("false " + (80L << 20) + " " + (80L << 20) + " 25000 100000 1024 [no-new-privileges]");
        assertThat(PodmanFixture.run(List.of("podman", "inspect", "-f", "{{.Config.Hostname}}", name))
                        .output()
                        .strip())
                .isEqualTo("llm-0");
        assertThat(PodmanFixture.exec(plain, "env")
                        .output()
                        .replace("plain-0", "llm-0")
                        .lines()
                        .sorted()
                        .toList())
                .isEqualTo(env.lines().sorted().toList());
        assertThat(PodmanFixture.exec(name, "sh", "-c", "df -k /cache | tail -1")
                        .output())
                .contains("16384");
        assertThat(PodmanFixture.exec(name, "sh", "-c", "touch /data/f && echo ok")
                        .output())
                .isEqualTo("ok\n");
        assertThat(PodmanFixture.exec(name, "sh", "-c", "ulimit -n").output().strip())
                .isNotEqualTo("unlimited");
        String port = PodmanFixture.run(List.of("podman", "port", name)).output();
        assertThat(port).startsWith("80/tcp -> 127.0.0.1:");
        assertThat(PodmanFixture.run(List.of("podman", "inspect", "-f", "{{json .NetworkSettings.Networks}}", name))
                        .output())
                .contains(LeaseObjects.of(owner, lease).network())
                .contains("\"llm\"");
        assertThat(runtime.status(lease).replicas().get(0).ports()).isNotEmpty();
    }
}

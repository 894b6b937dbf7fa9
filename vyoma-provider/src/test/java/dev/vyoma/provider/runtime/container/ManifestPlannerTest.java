package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.ServiceParams;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a manifest becomes, and every manifest the container runtime refuses, at each limit and one past it. */
class ManifestPlannerTest {
    private static final String LEASE = "vyoma1tenant/7/1/1/vyoma1provider";
    private static final long MI = 1 << 20;

    /** A service with 0.5 CPU and 64 MiB, changed by the test through the record's copy helpers below. */
    private static ManifestService service(String name) {
        return new ManifestService(
                name, "nginx:1.27", null, null, null, resources(500, 64 * MI, List.of(), 0), 1, List.of(), null, null);
    }

    private static Resources resources(long cpu, long memory, List<Volume> volumes, long gpus) {
        return new Resources(
                1,
                new Cpu(cpu, List.of()),
                new Memory(memory, List.of()),
                volumes,
                gpus == 0 ? Gpu.NONE : new Gpu(gpus, List.of()),
                List.of());
    }

    private static ManifestService with(ManifestService s, List<String> command, List<String> args, List<String> env) {
        return new ManifestService(
                s.name(),
                s.image(),
                command,
                args,
                env,
                s.resources(),
                s.count(),
                s.expose(),
                s.params(),
                s.credentials());
    }

    private static ManifestService withCount(ManifestService s, int count) {
        return new ManifestService(
                s.name(),
                s.image(),
                s.command(),
                s.args(),
                s.env(),
                s.resources(),
                count,
                s.expose(),
                s.params(),
                s.credentials());
    }

    private static ManifestService withImage(ManifestService s, String image) {
        return new ManifestService(
                s.name(),
                image,
                s.command(),
                s.args(),
                s.env(),
                s.resources(),
                s.count(),
                s.expose(),
                s.params(),
                s.credentials());
    }

    private static ManifestService withCredentials(ManifestService s, String image, String host, String password) {
        return new ManifestService(
                s.name(),
                image,
                s.command(),
                s.args(),
                s.env(),
                s.resources(),
                s.count(),
                s.expose(),
                s.params(),
                new dev.vyoma.sdl.manifest.ImageCredentials(host, "", "alice", password));
    }

    @Test
    void credentialsAreForTheImagesRegistryAlone() throws Exception {
        ManifestService web = service("web");
        LeasePlan.Auth auth = plan(withCredentials(web, "ghcr.io/me/app:1", "https://ghcr.io/", "pw"))
                .replicas()
                .get(0)
                .auth();
        assertThat(auth).isEqualTo(new LeasePlan.Auth("ghcr.io", "alice", "pw"));
        assertThat(auth.toString()).doesNotContain("pw").contains("password=***");
        // Docker Hub by any of its names, for an image without a registry.
        for (String hub : List.of("docker.io", "index.docker.io", "https://index.docker.io/v1/")) {
            assertThat(plan(withCredentials(web, "me/app:1", hub, "pw"))
                            .replicas()
                            .get(0)
                            .auth()
                            .registry())
                    .isEqualTo("docker.io");
        }
        assertThat(plan(withCredentials(web, "localhost:5000/app", "localhost:5000", "pw"))
                        .replicas()
                        .get(0)
                        .auth()
                        .registry())
                .isEqualTo("localhost:5000");
        refused(
                "credentials are for registry \"docker.io\" but image ghcr.io/me/app:1 is pulled from ghcr.io",
                withCredentials(web, "ghcr.io/me/app:1", "docker.io", "pw"));
        refused("is pulled from docker.io", withCredentials(web, "nginx:1.27", "evil.example.com", "pw"));
        refused("each one line", withCredentials(web, "nginx:1.27", "docker.io", "pw\nX-Header: 1"));
        refused("each one line", withCredentials(web, "nginx:1.27", "docker.io", ""));
        assertThat(plan(web).replicas().get(0).auth()).isNull();
    }

    private static ManifestService withPorts(ManifestService s, List<ServiceExpose> expose) {
        return new ManifestService(
                s.name(),
                s.image(),
                s.command(),
                s.args(),
                s.env(),
                s.resources(),
                s.count(),
                expose,
                s.params(),
                s.credentials());
    }

    private static ManifestService withStorage(ManifestService s, Resources r, List<StorageParams> mounts) {
        return new ManifestService(
                s.name(),
                s.image(),
                s.command(),
                s.args(),
                s.env(),
                r,
                s.count(),
                s.expose(),
                new ServiceParams(mounts, null, null),
                s.credentials());
    }

    private static ServiceExpose port(int port, boolean global, String to) {
        return new ServiceExpose(port, global ? 80 : 0, Protocol.TCP, to, global, null, HttpOptions.DEFAULTS, "", 0);
    }

    private static Volume volume(String name, long bytes, String cls, boolean persistent) {
        List<Attribute> a = new ArrayList<>(List.of(new Attribute("class", cls)));
        if (persistent) {
            a.add(new Attribute("persistent", "true"));
        }
        return new Volume(name, bytes, a);
    }

    private static LeasePlan plan(ManifestService... services) throws ManifestRefused {
        return ManifestPlanner.plan(LEASE, "v1", List.of(new ManifestGroup("dc", List.of(services))));
    }

    private static void refused(String why, ManifestService... services) {
        assertThatThrownBy(() -> plan(services))
                .isInstanceOf(ManifestRefused.class)
                .hasMessageContaining(why);
    }

    @Test
    void aReplicaGetsTheSdlsImageCommandArgsEnvAndLimitsOnly() throws Exception {
        Resources r = resources(
                250,
                64 * MI,
                List.of(
                        volume("default", 512 * MI, "default", false),
                        volume("cache", 16 * MI, "ram", false),
                        volume("data", 1024 * MI, "beta3", true)),
                0);
        ManifestService web = withStorage(
                withPorts(
                        with(service("web"), List.of("nginx"), List.of("-g", "daemon off;"), List.of("A=1")),
                        List.of(port(80, true, ""), port(9000, false, "api"), port(9000, false, "worker"))),
                r,
                List.of(new StorageParams("cache", "/cache", false), new StorageParams("data", "/var/data", true)));
        LeasePlan plan = plan(withCount(web, 2));
        assertThat(plan.replicas())
                .hasSize(2)
                .extracting(LeasePlan.Replica::index)
                .containsExactly(0, 1);
        LeasePlan.Replica one = plan.replicas().get(1);
        assertThat(one.entrypoint()).containsExactly("nginx");
        assertThat(one.cmd()).containsExactly("-g", "daemon off;");
        assertThat(one.env()).containsExactly("A=1");
        assertThat(one.cpuMillis()).isEqualTo(250);
        // The ram volume lives in the container's memory, so its size is added to the limit.
        assertThat(one.memoryBytes()).isEqualTo(80 * MI);
        assertThat(one.tmpfs()).containsExactly(new LeasePlan.Tmpfs("/cache", 16 * MI, false));
        assertThat(one.volumes()).containsExactly(new LeasePlan.Volume("data", "/var/data", true));
        assertThat(one.ports())
                .containsExactly(
                        new LeasePlan.Port(80, Protocol.TCP, true), new LeasePlan.Port(9000, Protocol.TCP, false));
    }

    @Test
    void theImagesEntrypointAndCommandStayUnlessTheSdlReplacesThem() throws Exception {
        assertThat(plan(service("web")).replicas().get(0))
                .extracting(LeasePlan.Replica::entrypoint, LeasePlan.Replica::cmd, LeasePlan.Replica::env)
                .containsExactly(null, null, List.of());
        // A command alone runs without the image's arguments, as on Kubernetes.
        assertThat(plan(with(service("web"), List.of("sh"), null, null))
                        .replicas()
                        .get(0)
                        .cmd())
                .isEmpty();
        assertThat(plan(with(service("web"), null, List.of("--debug"), null))
                        .replicas()
                        .get(0))
                .extracting(LeasePlan.Replica::entrypoint, LeasePlan.Replica::cmd)
                .containsExactly(null, List.of("--debug"));
    }

    @Test
    void replicasPerLeaseAtTheLimitAndOnePast() throws Exception {
        int max = ManifestPlanner.MAX_REPLICAS_PER_LEASE;
        assertThat(plan(withCount(service("a"), max - 1), service("b")).replicas())
                .hasSize(max);
        refused("more than " + max + " replicas", withCount(service("a"), max), service("b"));
    }

    @Test
    void portsPerServiceAtTheLimitAndOnePast() throws Exception {
        int max = ManifestPlanner.MAX_PORTS_PER_SERVICE;
        List<ServiceExpose> ports = IntStream.rangeClosed(1, max)
                .mapToObj(p -> port(8000 + p, false, "x"))
                .toList();
        assertThat(plan(withPorts(service("web"), ports)).replicas().get(0).ports())
                .hasSize(max);
        List<ServiceExpose> more = new ArrayList<>(ports);
        more.add(port(7000, false, "x"));
        refused("more than " + max + " ports", withPorts(service("web"), more));
        refused("port 0 is not 1 to 65535", withPorts(service("web"), List.of(port(0, false, "x"))));
        refused("port 65536", withPorts(service("web"), List.of(port(65536, false, "x"))));
    }

    @Test
    void envArgsAndTextAtTheirLimitsAndOnePast() throws Exception {
        int env = PlanChecks.MAX_ENV_PER_SERVICE;
        List<String> vars =
                IntStream.range(0, env).mapToObj(i -> "V" + i + "=x").toList();
        plan(with(service("web"), null, null, vars));
        List<String> moreVars = new ArrayList<>(vars);
        moreVars.add("ONE=more");
        refused("more than " + env + " env entries", with(service("web"), null, null, moreVars));

        int args = PlanChecks.MAX_ARGS_PER_SERVICE;
        plan(with(service("web"), List.of("sh"), Collections.nCopies(args - 1, "a"), null));
        refused("command and args", with(service("web"), List.of("sh"), Collections.nCopies(args, "a"), null));

        int chars = PlanChecks.MAX_TEXT_CHARS_PER_SERVICE - "nginx:1.27".length();
        plan(with(service("web"), null, List.of("x".repeat(chars)), null));
        refused(
                "over " + PlanChecks.MAX_TEXT_CHARS_PER_SERVICE + " characters",
                with(service("web"), null, List.of("x".repeat(chars + 1)), null));
    }

    @Test
    void envAndTextTheEngineCouldMisreadAreRefused() {
        refused("env entry =x is not NAME=value", with(service("web"), null, null, List.of("=x")));
        refused("env entry A B=x", with(service("web"), null, null, List.of("A B=x")));
        refused("env entry NOVALUE", with(service("web"), null, null, List.of("NOVALUE")));
        refused("NUL", with(service("web"), null, List.of("a\0b"), null));
        refused("not an image reference", withImage(service("web"), "nginx 1.27"));
        refused("not an image reference", withImage(service("web"), "-v/:/host"));
        int max = PlanChecks.MAX_IMAGE_CHARS;
        assertThat(withImage(service("web"), "n".repeat(max)).image()).hasSize(max);
        refused("not an image reference", withImage(service("web"), "n".repeat(max + 1)));
    }

    @Test
    void imagesAtTheLengthLimitPlan() throws Exception {
        assertThat(plan(withImage(service("web"), "n".repeat(PlanChecks.MAX_IMAGE_CHARS)))
                        .replicas())
                .hasSize(1);
    }

    @Test
    void mountsOverSystemPathsOrOutsideTheContainersTreeAreRefused() throws Exception {
        Resources r = resources(500, 64 * MI, List.of(volume("data", MI * 16, "beta3", true)), 0);
        for (String bad : List.of(
                "/",
                "/proc",
                "/proc/sys",
                "/sys",
                "/dev",
                "/dev/shm",
                "data",
                "/a/../b",
                "/a/./b",
                "/a/",
                "//a",
                "/a//b")) {
            refused(
                    "mount path " + bad,
                    withStorage(service("web"), r, List.of(new StorageParams("data", bad, false))));
        }
        String longest = "/" + "d".repeat(PlanChecks.MAX_MOUNT_PATH_CHARS - 1);
        plan(withStorage(service("web"), r, List.of(new StorageParams("data", longest, false))));
        refused(
                "at most " + PlanChecks.MAX_MOUNT_PATH_CHARS,
                withStorage(service("web"), r, List.of(new StorageParams("data", longest + "d", false))));
        // /procfs and /device are ordinary directories.
        plan(withStorage(service("web"), r, List.of(new StorageParams("data", "/procfs", false))));
    }

    @Test
    void volumesThatCannotBeHonouredAreRefused() {
        Resources r = resources(
                500,
                64 * MI,
                List.of(volume("default", MI * 16, "default", false), volume("data", MI * 16, "beta3", true)),
                0);
        refused(
                "volume default is ephemeral",
                withStorage(service("web"), r, List.of(new StorageParams("default", "/scratch", false))));
        refused(
                "volume logs, which its profile does not declare",
                withStorage(service("web"), r, List.of(new StorageParams("logs", "/logs", false))));
        refused(
                "mounts two volumes at /d",
                withStorage(
                        service("web"),
                        r,
                        List.of(new StorageParams("data", "/d", false), new StorageParams("default", "/d", false))));
        refused("volume name ../x", withStorage(service("web"), r, List.of(new StorageParams("../x", "/x", false))));
    }

    @Test
    void resourcesOutsideTheEnginesRangeOrGpusAreRefused() throws Exception {
        ManifestService s = service("web");
        plan(withStorage(
                s,
                resources(ManifestPlanner.MIN_CPU_MILLIS, ManifestPlanner.MIN_MEMORY_BYTES, List.of(), 0),
                List.of()));
        plan(withStorage(
                s,
                resources(ManifestPlanner.MAX_CPU_MILLIS, ManifestPlanner.MAX_MEMORY_BYTES, List.of(), 0),
                List.of()));
        refused("cpu must be 10m", withStorage(s, resources(9, 64 * MI, List.of(), 0), List.of()));
        refused(
                "memory must be 6Mi to 2Ti",
                withStorage(s, resources(500, ManifestPlanner.MAX_MEMORY_BYTES + 1, List.of(), 0), List.of()));
        refused(
                "cpu must be",
                withStorage(s, resources(ManifestPlanner.MAX_CPU_MILLIS + 1, 64 * MI, List.of(), 0), List.of()));
        refused(
                "memory must be 6Mi",
                withStorage(s, resources(500, ManifestPlanner.MIN_MEMORY_BYTES - 1, List.of(), 0), List.of()));
        // GPUs are planned as a request; which devices a replica gets is the GpuAllocator's to say.
        LeasePlan.Gpus gpus = plan(withStorage(s, resources(500, 64 * MI, List.of(), 2), List.of()))
                .replicas()
                .get(0)
                .gpus();
        assertThat(gpus.units()).isEqualTo(2);
        assertThat(gpus.devices()).isEmpty();
        refused(
                "gpu units must be 0 to " + ManifestPlanner.MAX_GPUS_PER_REPLICA,
                withStorage(
                        s, resources(500, 64 * MI, List.of(), ManifestPlanner.MAX_GPUS_PER_REPLICA + 1), List.of()));
    }

    @Test
    void namesThatBecomeEngineNamesAreChecked() {
        refused("service name Web", service("Web"));
        refused("service name " + "a".repeat(64), service("a".repeat(64)));
        refused("appears twice", service("web"), service("web"));
        assertThatThrownBy(() -> ManifestPlanner.plan("../../etc", "v", List.of()))
                .isInstanceOf(ManifestRefused.class)
                .hasMessage("lease id ../../etc is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER");
    }
}

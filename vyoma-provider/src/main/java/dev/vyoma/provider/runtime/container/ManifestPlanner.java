package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that reads manifest records for containers: as Akash's provider builds Kubernetes objects from a
 * manifest group, this builds a {@link LeasePlan}. Per replica: the SDL's image, {@code command} (the entrypoint),
 * {@code args} (the command) and {@code env}, nothing else; CPU and memory from its resources; a tmpfs per mounted
 * {@code ram} volume, its size added to the memory limit (as Akash does); a named volume per mounted persistent
 * volume; each exposed port, published when global. What this runtime cannot honour (a GPU, an ephemeral volume
 * mounted) or the engine could misread ({@link PlanChecks}) is refused with a one-line reason, before anything runs.
 */
public final class ManifestPlanner {
    /**
     * Why a service with GPUs is refused. A GPU is handed to a container as a CDI device ({@code nvidia.com/gpu=N});
     * the Docker API of Podman 4.3 cannot pass one (it turns {@code HostConfig.Devices} into
     * {@code host:container:permissions} strings that name no CDI device, and ignores {@code DeviceRequests} with
     * driver {@code cdi}), so the container runtime gives no GPU rather than one it cannot confine to the lease.
     */
    static final String GPUS_REFUSED = "asks for GPUs, which this provider's container runtime does not hand over:"
            + " its engine's Docker API cannot pass CDI devices (nvidia.com/gpu=N); deploy it to a provider that"
            + " offers GPUs";

    public static final int MAX_REPLICAS_PER_LEASE = 100;
    public static final int MAX_PORTS_PER_SERVICE = 32;
    public static final long MIN_CPU_MILLIS = 10;
    public static final long MAX_CPU_MILLIS = 384_000;
    /** The engines refuse memory limits under 6 MiB. */
    public static final long MIN_MEMORY_BYTES = 6L << 20;

    public static final long MAX_MEMORY_BYTES = 2L << 40;

    private ManifestPlanner() {}

    /** Plans {@code groups} (the lease's manifest groups) for {@code lease}; {@code version} is their hash. */
    public static LeasePlan plan(String lease, String version, List<ManifestGroup> groups) throws ManifestRefused {
        PlanChecks.lease(lease);
        List<LeasePlan.Replica> replicas = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (ManifestGroup g : groups) {
            for (ManifestService s : g.services()) {
                PlanChecks.serviceName(s.name());
                if (!names.add(s.name())) {
                    throw new ManifestRefused("service " + s.name() + " appears twice in the lease's groups");
                }
                if (s.count() < 0 || replicas.size() + s.count() > MAX_REPLICAS_PER_LEASE) {
                    throw new ManifestRefused("the lease runs more than " + MAX_REPLICAS_PER_LEASE + " replicas");
                }
                for (int i = 0; i < s.count(); i++) {
                    replicas.add(replica(s, i));
                }
            }
        }
        return new LeasePlan(lease, version, replicas);
    }

    private static LeasePlan.Replica replica(ManifestService s, int index) throws ManifestRefused {
        String what = "service " + s.name() + ": ";
        PlanChecks.text(what, s.image(), s.command(), s.args(), s.env());
        long cpu = s.resources().cpu().millicores();
        if (cpu < MIN_CPU_MILLIS || cpu > MAX_CPU_MILLIS) {
            throw new ManifestRefused(
                    what + "cpu must be " + MIN_CPU_MILLIS + "m to " + MAX_CPU_MILLIS + "m, got " + cpu + "m");
        }
        long memory = s.resources().memory().bytes();
        if (memory < MIN_MEMORY_BYTES || memory > MAX_MEMORY_BYTES) {
            throw new ManifestRefused(what + "memory must be 6Mi to 2Ti, got " + memory + " bytes");
        }
        if (s.resources().gpu().units() > 0) {
            throw new ManifestRefused(what + GPUS_REFUSED);
        }
        Map<String, Volume> volumes = new LinkedHashMap<>();
        s.resources().storage().forEach(v -> volumes.put(v.name(), v));
        List<LeasePlan.Tmpfs> tmpfs = new ArrayList<>();
        List<LeasePlan.Volume> named = new ArrayList<>();
        Set<String> mounts = new LinkedHashSet<>();
        List<StorageParams> params = s.params() == null || s.params().storage() == null
                ? List.of()
                : s.params().storage();
        for (StorageParams p : params) {
            PlanChecks.volumeName(what, p.name());
            Volume v = volumes.get(p.name());
            if (v == null) {
                throw new ManifestRefused(what + "mounts volume " + p.name() + ", which its profile does not declare");
            }
            if (!mounts.add(PlanChecks.mountPath(what, p.mount()))) {
                throw new ManifestRefused(what + "mounts two volumes at " + p.mount());
            }
            if (v.attribute("class").equals("ram")) {
                tmpfs.add(new LeasePlan.Tmpfs(p.mount(), v.bytes(), p.readOnly()));
                memory = Math.addExact(memory, v.bytes());
            } else if (v.persistent()) {
                named.add(new LeasePlan.Volume(p.name(), p.mount(), p.readOnly()));
            } else {
                throw new ManifestRefused(
                        what + "volume " + p.name() + " is ephemeral; only persistent and ram volumes can be mounted");
            }
        }
        // Akash's command replaces the image's entrypoint and args its command; a command alone runs without args.
        List<String> cmd = s.command() != null && s.args() == null ? List.of() : s.args();
        List<String> env = s.env() == null ? List.of() : s.env();
        return new LeasePlan.Replica(
                s.name(),
                index,
                s.image(),
                PlanChecks.credentials(what, s.image(), s.credentials()),
                s.command(),
                cmd,
                env,
                cpu,
                memory,
                tmpfs,
                named,
                ports(what, s.expose()));
    }

    private static List<LeasePlan.Port> ports(String what, List<ServiceExpose> expose) throws ManifestRefused {
        Map<String, LeasePlan.Port> ports = new LinkedHashMap<>();
        for (ServiceExpose e : expose) {
            if (e.port() < 1 || e.port() > 65535) {
                throw new ManifestRefused(what + "port " + e.port() + " is not 1 to 65535");
            }
            String key = e.port() + "/" + e.proto();
            boolean published =
                    e.global() || (ports.containsKey(key) && ports.get(key).published());
            ports.put(key, new LeasePlan.Port(e.port(), e.proto(), published));
        }
        if (ports.size() > MAX_PORTS_PER_SERVICE) {
            throw new ManifestRefused(what + "exposes more than " + MAX_PORTS_PER_SERVICE + " ports");
        }
        return List.copyOf(ports.values());
    }
}

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
 * volume; each exposed port, published when global; how many GPUs of which kinds (which ones,
 * {@link GpuAllocator} says). What this runtime cannot honour (an ephemeral volume mounted) or the engine could misread ({@link PlanChecks}) is refused with a one-line reason, before anything runs.
 */
public final class ManifestPlanner {
    /** The most GPUs one replica may ask for (a host with more is not built). */
    public static final int MAX_GPUS_PER_REPLICA = 64;
    /** The most GPU kinds one profile may name, and the longest name. */
    public static final int MAX_GPU_ATTRIBUTES = 32;

    public static final int MAX_GPU_ATTRIBUTE_CHARS = 200;

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
        LeasePlan.Gpus gpus = gpus(what, s.resources().gpu());
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
                ports(what, s.expose()),
                gpus);
    }

    /** What the profile asks of GPUs; which devices it gets is {@link GpuAllocator}'s to say. */
    private static LeasePlan.Gpus gpus(String what, dev.vyoma.sdl.spec.Gpu gpu) throws ManifestRefused {
        if (gpu.units() == 0) {
            return LeasePlan.Gpus.NONE;
        }
        if (gpu.units() < 0 || gpu.units() > MAX_GPUS_PER_REPLICA) {
            throw new ManifestRefused(what + "gpu units must be 0 to " + MAX_GPUS_PER_REPLICA + ", got " + gpu.units());
        }
        if (gpu.attributes().size() > MAX_GPU_ATTRIBUTES) {
            throw new ManifestRefused(what + "names more than " + MAX_GPU_ATTRIBUTES + " GPU kinds");
        }
        List<String> keys = new ArrayList<>();
        for (dev.vyoma.sdl.spec.Attribute a : gpu.attributes()) {
            if (a.key().length() > MAX_GPU_ATTRIBUTE_CHARS) {
                throw new ManifestRefused(
                        what + "a GPU kind is longer than " + MAX_GPU_ATTRIBUTE_CHARS + " characters");
            }
            keys.add(a.key());
        }
        return new LeasePlan.Gpus((int) gpu.units(), keys, List.of());
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

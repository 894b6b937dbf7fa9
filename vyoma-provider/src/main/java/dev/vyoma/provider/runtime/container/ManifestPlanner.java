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
import java.util.regex.Pattern;

/**
 * The one place that reads manifest records for containers: as Akash's provider builds Kubernetes objects from a
 * manifest group, this builds a {@link LeasePlan}. Per replica: the SDL's image, {@code command} (entrypoint),
 * {@code args} and {@code env}, nothing else; CPU and memory from the resources; a tmpfs per mounted {@code ram}
 * volume (its size added to the memory limit, as Akash does); a named volume per mounted persistent volume; each
 * exposed port, published on loopback when global. Whatever the engine could misread or that this runtime cannot
 * honour (a GPU, a mount over {@code /proc}) is refused with a one-line reason, before anything is created.
 */
public final class ManifestPlanner {
    public static final int MAX_REPLICAS_PER_LEASE = 100;
    public static final int MAX_PORTS_PER_SERVICE = 32;
    public static final int MAX_ENV_PER_SERVICE = 256;
    public static final int MAX_ARGS_PER_SERVICE = 256;
    /** Image, command, args and env of one service together. */
    public static final int MAX_TEXT_CHARS_PER_SERVICE = 128 * 1024;

    public static final int MAX_IMAGE_CHARS = 255;
    public static final int MAX_MOUNT_PATH_CHARS = 255;
    public static final long MIN_CPU_MILLIS = 10;
    public static final long MAX_CPU_MILLIS = 384_000;
    /** The engines refuse memory limits under 6 MiB. */
    public static final long MIN_MEMORY_BYTES = 6L << 20;

    public static final long MAX_MEMORY_BYTES = 2L << 40;

    private static final Pattern LEASE =
            Pattern.compile("[a-z0-9]{1,90}/[0-9]{1,20}/[0-9]{1,10}/[0-9]{1,10}/[a-z0-9]{1,90}");
    private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern VOLUME = Pattern.compile("[a-z0-9]([-_.a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._:/@+-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Set<String> SYSTEM_PATHS = Set.of("/proc", "/sys", "/dev");

    /** A manifest this runtime will not run; the message says what to change. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ManifestPlanner() {}

    /** Plans {@code groups} (the lease's manifest groups) for {@code lease}; {@code version} is their hash. */
    public static LeasePlan plan(String lease, String version, List<ManifestGroup> groups) throws Refused {
        if (!LEASE.matcher(lease).matches()) {
            throw new Refused("lease id " + lease + " is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER");
        }
        List<LeasePlan.Replica> replicas = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (ManifestGroup g : groups) {
            for (ManifestService s : g.services()) {
                if (!SERVICE.matcher(s.name()).matches() || !names.add(s.name())) {
                    throw new Refused("service name " + s.name() + " must be unique, lowercase letters, digits and -");
                }
                if (s.count() < 0 || replicas.size() + s.count() > MAX_REPLICAS_PER_LEASE) {
                    throw new Refused("the lease runs more than " + MAX_REPLICAS_PER_LEASE + " replicas");
                }
                ServicePlan sp = service(s);
                for (int i = 0; i < s.count(); i++) {
                    replicas.add(sp.replica(i));
                }
            }
        }
        return new LeasePlan(lease, version, replicas);
    }

    /** What every replica of a service shares. */
    private record ServicePlan(
            ManifestService s,
            long memoryBytes,
            List<LeasePlan.Tmpfs> tmpfs,
            List<LeasePlan.Volume> volumes,
            List<LeasePlan.Port> ports) {
        LeasePlan.Replica replica(int index) {
            List<String> env = s.env() == null ? List.of() : s.env();
            // Akash's command replaces the entrypoint and args the command; a command alone runs without args.
            List<String> cmd = s.command() != null && s.args() == null ? List.of() : s.args();
            return new LeasePlan.Replica(
                    s.name(),
                    index,
                    s.image(),
                    s.command(),
                    cmd,
                    env,
                    s.resources().cpu().millicores(),
                    memoryBytes,
                    tmpfs,
                    volumes,
                    ports);
        }
    }

    private static ServicePlan service(ManifestService s) throws Refused {
        String what = "service " + s.name() + ": ";
        text(what, s);
        long cpu = s.resources().cpu().millicores();
        if (cpu < MIN_CPU_MILLIS || cpu > MAX_CPU_MILLIS) {
            throw new Refused(
                    what + "cpu must be " + MIN_CPU_MILLIS + "m to " + MAX_CPU_MILLIS + "m, got " + cpu + "m");
        }
        long memory = s.resources().memory().bytes();
        if (memory < MIN_MEMORY_BYTES || memory > MAX_MEMORY_BYTES) {
            throw new Refused(what + "memory must be 6Mi to 2Ti, got " + memory + " bytes");
        }
        if (s.resources().gpu().units() > 0) {
            throw new Refused(what + "asks for GPUs, which the container runtime does not give yet");
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
            Volume v = volumes.get(p.name());
            if (v == null || !VOLUME.matcher(p.name()).matches()) {
                throw new Refused(what + "mounts volume " + p.name() + ", which its profile does not declare");
            }
            String mount = mountPath(what, p.mount());
            if (!mounts.add(mount)) {
                throw new Refused(what + "mounts two volumes at " + mount);
            }
            if (v.attribute("class").equals("ram")) {
                tmpfs.add(new LeasePlan.Tmpfs(mount, v.bytes(), p.readOnly()));
                memory = Math.addExact(memory, v.bytes());
            } else if (v.persistent()) {
                named.add(new LeasePlan.Volume(p.name(), mount, p.readOnly()));
            } else {
                throw new Refused(what + "volume " + p.name() + " is ephemeral; only persistent and ram volumes mount");
            }
        }
        return new ServicePlan(s, memory, tmpfs, named, ports(what, s.expose()));
    }

    private static List<LeasePlan.Port> ports(String what, List<ServiceExpose> expose) throws Refused {
        Map<String, LeasePlan.Port> ports = new LinkedHashMap<>();
        for (ServiceExpose e : expose) {
            if (e.port() < 1 || e.port() > 65535) {
                throw new Refused(what + "port " + e.port() + " is not 1 to 65535");
            }
            String key = e.port() + "/" + e.proto();
            boolean published =
                    e.global() || (ports.containsKey(key) && ports.get(key).published());
            ports.put(key, new LeasePlan.Port(e.port(), e.proto(), published));
        }
        if (ports.size() > MAX_PORTS_PER_SERVICE) {
            throw new Refused(what + "exposes more than " + MAX_PORTS_PER_SERVICE + " ports");
        }
        return List.copyOf(ports.values());
    }

    private static String mountPath(String what, String mount) throws Refused {
        boolean clean = mount.startsWith("/")
                && mount.length() <= MAX_MOUNT_PATH_CHARS
                && !mount.equals("/")
                && !mount.contains("//")
                && !mount.endsWith("/")
                && !mount.contains("\0")
                && List.of(mount.substring(1).split("/")).stream().noneMatch(p -> p.equals(".") || p.equals(".."));
        if (!clean || SYSTEM_PATHS.stream().anyMatch(p -> mount.equals(p) || mount.startsWith(p + "/"))) {
            throw new Refused(what + "mount path " + mount
                    + " must be an absolute, normalized path other than /, /proc, /sys and /dev, at most "
                    + MAX_MOUNT_PATH_CHARS + " characters");
        }
        return mount;
    }

    private static void text(String what, ManifestService s) throws Refused {
        if (s.image().length() > MAX_IMAGE_CHARS || !IMAGE.matcher(s.image()).matches()) {
            throw new Refused(what + "image " + s.image() + " is not an image reference such as nginx:1.27");
        }
        List<String> env = s.env() == null ? List.of() : s.env();
        List<String> args = new ArrayList<>(s.command() == null ? List.of() : s.command());
        args.addAll(s.args() == null ? List.of() : s.args());
        if (env.size() > MAX_ENV_PER_SERVICE || args.size() > MAX_ARGS_PER_SERVICE) {
            throw new Refused(what + "has more than " + MAX_ENV_PER_SERVICE + " env entries or " + MAX_ARGS_PER_SERVICE
                    + " command and args");
        }
        long chars = s.image().length();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq <= 0 || !ENV_NAME.matcher(e.substring(0, eq)).matches()) {
                throw new Refused(what + "env entry " + e + " is not NAME=value");
            }
        }
        for (String t : concat(env, args)) {
            if (t.indexOf('\0') >= 0) {
                throw new Refused(what + "command, args and env cannot hold a NUL character");
            }
            chars += t.length();
        }
        if (chars > MAX_TEXT_CHARS_PER_SERVICE) {
            throw new Refused(
                    what + "image, command, args and env are over " + MAX_TEXT_CHARS_PER_SERVICE + " characters");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

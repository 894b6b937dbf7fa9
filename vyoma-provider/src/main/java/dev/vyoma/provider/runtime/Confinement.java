package dev.vyoma.provider.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this host holds a replica to its {@link ReplicaLimits}, with what it allows without root tricks:
 *
 * <ul>
 *   <li>Always, where util-linux's {@code prlimit} is installed: resource limits the kernel enforces on the replica
 *       and everything it starts: address space (memory plus {@link ReplicaLimits#ADDRESS_SPACE_HEADROOM_BYTES}),
 *       data (memory: heap, anonymous mappings, stacks), file size (ephemeral storage), open files, the user's
 *       processes, no core files. Each is lowered to the provider's own hard limit where that is lower.
 *   <li>Always, where coreutils' {@code nice} is installed: a CPU priority {@link ReplicaLimits#NICENESS} below the
 *       provider's, so a busy replica cannot starve the provider.
 *   <li>Where cgroup v2 is mounted at {@code /sys/fs/cgroup} and the provider may enable its cpu, memory and pids
 *       controllers for a child group (root on a cgroup v2 host): a cgroup per replica under {@code
 *       /sys/fs/cgroup/vyoma-replicas} with {@code cpu.max} (the SDL's CPU), {@code memory.max} (its memory, no
 *       swap) and {@code pids.max}; a replica's processes are all killed with it, even those that left its tree.
 * </ul>
 *
 * Not a security boundary: the process runtime runs tenants' commands as the provider's own user, which may raise
 * what it can raise and leave what it can leave. These limits keep a runaway workload from taking the host down;
 * isolating a hostile one needs the container runtime. {@link #describe()} says what this host enforces.
 */
final class Confinement {
    private static final Logger LOG = LoggerFactory.getLogger(Confinement.class);
    private static final List<String> CONTROLLERS = List.of("cpu", "memory", "pids");
    private static final String PARENT = "vyoma-replicas";

    private final Optional<Path> prlimit;
    private final Optional<Path> nice;
    private final Optional<Path> sh;
    private final Map<String, Long> hard;
    private final Optional<Path> cgroups;
    private final String cgroupsWhyNot;

    private Confinement(
            Optional<Path> prlimit,
            Optional<Path> nice,
            Optional<Path> sh,
            Map<String, Long> hard,
            Optional<Path> cgroups,
            String whyNot) {
        this.prlimit = prlimit;
        this.nice = nice;
        this.sh = sh;
        this.hard = hard;
        this.cgroups = cgroups;
        this.cgroupsWhyNot = whyNot;
    }

    /** What this host offers, found now. */
    static Confinement detect() {
        Optional<Path> prlimit = program("prlimit");
        Optional<Path> nice = program("nice");
        Optional<Path> sh = program("sh");
        Map<String, Long> hard = hardLimits();
        Path root = Path.of("/sys/fs/cgroup");
        String whyNot = "";
        Optional<Path> parent = Optional.empty();
        try {
            if (sh.isEmpty()) {
                throw new IOException("no sh to move a replica into its cgroup");
            }
            parent = Optional.of(prepareParent(root));
        } catch (IOException | RuntimeException e) {
            whyNot = e.getMessage();
        }
        Confinement c = new Confinement(prlimit, nice, sh, hard, parent, whyNot);
        LOG.info("process replicas: {}", c.describe());
        return c;
    }

    /** One line on what is enforced here. */
    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(
                prlimit.isPresent()
                        ? "prlimit (address space, data, file size, open files, user processes)"
                        : "no prlimit installed, so no resource limits");
        parts.add(nice.isPresent() ? "nice " + ReplicaLimits.NICENESS : "no nice installed");
        parts.add(
                cgroups.isPresent()
                        ? "cgroup v2 (cpu.max, memory.max, pids.max) under " + cgroups.get()
                        : "no cgroup (" + cgroupsWhyNot + ")");
        return String.join("; ", parts);
    }

    /** Whether replicas get a cgroup of their own here. */
    boolean cgroups() {
        return cgroups.isPresent();
    }

    /**
     * The command that starts {@code command} within {@code limits}: prlimit, then nice, then (with a cgroup) a shell
     * that moves itself into the replica's cgroup; each execs the next, so the replica keeps the pid it started with.
     */
    List<String> wrap(List<String> command, ReplicaLimits limits, Optional<Path> cgroup) {
        List<String> out = new ArrayList<>();
        prlimit.ifPresent(p -> {
            out.add(p.toString());
            out.add("--as=" + capped("Max address space", limits.addressSpaceBytes()));
            out.add("--data=" + capped("Max data size", limits.memoryBytes()));
            out.add("--fsize=" + capped("Max file size", limits.fileBytes()));
            out.add("--nofile=" + capped("Max open files", ReplicaLimits.OPEN_FILES));
            out.add("--nproc=" + capped("Max processes", ReplicaLimits.USER_TASKS));
            out.add("--core=0");
            out.add("--");
        });
        nice.ifPresent(n -> out.addAll(List.of(n.toString(), "-n", Integer.toString(ReplicaLimits.NICENESS))));
        cgroup.ifPresent(g -> out.addAll(List.of(
                sh.orElseThrow().toString(),
                "-c",
                "echo $$ > \"$0\" && exec \"$@\"",
                g.resolve("cgroup.procs").toString())));
        out.addAll(command);
        return out;
    }

    private long capped(String resource, long wanted) {
        return Math.min(wanted, hard.getOrDefault(resource, Long.MAX_VALUE));
    }

    /**
     * A fresh cgroup named {@code name} (one plain path element) with {@code limits}, if this host has cgroups; what
     * an earlier one of that name still held is killed first.
     */
    Optional<Path> cgroup(String name, ReplicaLimits limits) throws IOException {
        if (cgroups.isEmpty()) {
            return Optional.empty();
        }
        Path g = child(name);
        release(name);
        Files.createDirectory(g);
        write(g.resolve("cpu.max"), limits.cpuMax());
        write(g.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        if (Files.exists(g.resolve("memory.swap.max"))) {
            write(g.resolve("memory.swap.max"), "0");
        }
        write(g.resolve("pids.max"), Long.toString(ReplicaLimits.TASKS_PER_REPLICA));
        return Optional.of(g);
    }

    /** Kills whatever runs in cgroup {@code name} and removes it; nothing if there is none. */
    void release(String name) {
        if (cgroups.isEmpty()) {
            return;
        }
        Path g = child(name);
        if (!Files.isDirectory(g, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            if (Files.exists(g.resolve("cgroup.kill"))) {
                write(g.resolve("cgroup.kill"), "1");
            }
            for (String pid : Files.readAllLines(g.resolve("cgroup.procs"))) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(h -> {
                    h.destroyForcibly();
                    h.onExit()
                            .orTimeout(5, TimeUnit.SECONDS)
                            .exceptionally(e -> h)
                            .join();
                });
            }
            Files.delete(g);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove cgroup {}: {}", g, e.toString());
        }
    }

    /** Kills and removes every cgroup whose name starts with {@code prefix} (a lease's). */
    void releaseAll(String prefix) {
        if (cgroups.isEmpty()) {
            return;
        }
        try (Stream<Path> all = Files.list(cgroups.get())) {
            for (Path g : all.filter(Files::isDirectory).toList()) {
                String name = g.getFileName().toString();
                if (name.startsWith(prefix)) {
                    release(name);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", cgroups.get(), e.toString());
        }
    }

    private Path child(String name) {
        Path parent = cgroups.orElseThrow();
        Path g = parent.resolve(name).normalize();
        if (name.isEmpty() || name.startsWith(".") || !parent.equals(g.getParent())) {
            throw new IllegalArgumentException("not a cgroup name: " + name);
        }
        return g;
    }

    /** Creates {@code root/vyoma-replicas} with the cpu, memory and pids controllers on for its children. */
    private static Path prepareParent(Path root) throws IOException {
        Path controllers = root.resolve("cgroup.controllers");
        if (!Files.isRegularFile(controllers)) {
            throw new IOException("no cgroup v2 hierarchy at " + root);
        }
        Set<String> available = Set.of(Files.readString(controllers).strip().split("\\s+", -1));
        if (!available.containsAll(CONTROLLERS)) {
            throw new IOException("cgroup v2 at " + root + " lacks cpu, memory or pids");
        }
        enable(root);
        Path parent = root.resolve(PARENT);
        if (!Files.isDirectory(parent)) {
            Files.createDirectory(parent);
        }
        enable(parent);
        return parent.toRealPath();
    }

    private static void enable(Path group) throws IOException {
        Path control = group.resolve("cgroup.subtree_control");
        Set<String> on = Set.of(Files.readString(control).strip().split("\\s+", -1));
        if (on.containsAll(CONTROLLERS)) {
            return;
        }
        try {
            write(control, "+cpu +memory +pids");
        } catch (IOException e) {
            throw new IOException("cannot enable cpu, memory and pids in " + group + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    /** A system program by name, from the directories of a replica's {@code PATH} (never the provider's own). */
    private static Optional<Path> program(String name) {
        for (String dir : ProcessRuntime.REPLICA_PATH.split(":", -1)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The provider's hard resource limits, from /proc/self/limits (by its row names); empty where it says none. */
    private static Map<String, Long> hardLimits() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.length() < 47 || line.startsWith("Limit")) {
                    continue;
                }
                String name = line.substring(0, 26).strip();
                String[] values = line.substring(26).strip().split("\\s+", -1);
                if (values.length >= 2 && values[1].matches("[0-9]+")) {
                    out.put(name, Long.parseLong(values[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: prlimit then refuses values above the hard limit, and says so in the log.
        }
        return out;
    }
}

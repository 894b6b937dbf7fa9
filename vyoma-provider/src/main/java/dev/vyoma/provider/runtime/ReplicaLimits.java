package dev.vyoma.provider.runtime;

import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.spec.Volume;

/**
 * What one replica may use, from its service's resources in the SDL: memory, CPU (millicores) and the largest file
 * it may write (its ephemeral storage; its log is such a file). {@link Confinement} says how this host enforces them.
 */
record ReplicaLimits(long memoryBytes, long cpuMillis, long fileBytes) {
    /**
     * Address space a replica may reserve beyond its memory: programs reserve far more than they use (a JVM's class
     * space and code cache, V8's heap cage, malloc arenas), and a reservation costs no memory. The address-space
     * limit only backstops what the data limit does not count (shared mappings).
     */
    static final long ADDRESS_SPACE_HEADROOM_BYTES = 4L << 30;

    /** Open files per replica ({@code RLIMIT_NOFILE}). */
    static final long OPEN_FILES = 4096;

    /**
     * Processes and threads of the provider's user, counted by the kernel per user across the provider and all its
     * replicas ({@code RLIMIT_NPROC}): a fork bomb stops there. The kernel does not apply it to root.
     */
    static final long USER_TASKS = 8192;

    /** Processes and threads in one replica's cgroup ({@code pids.max}), where cgroup v2 is available. */
    static final long TASKS_PER_REPLICA = 1024;

    /** How much lower than the provider's a replica's CPU priority is ({@code nice}), so the provider stays responsive. */
    static final int NICENESS = 10;

    /** The cgroup v2 CPU period: a replica of {@code m} millicores gets {@code m × 100} µs of CPU per 100 ms. */
    static final long CPU_PERIOD_MICROS = 100_000;

    ReplicaLimits {
        if (memoryBytes < 1 || cpuMillis < 1 || fileBytes < 1) {
            throw new IllegalArgumentException(
                    "limits are positive: memory " + memoryBytes + ", cpu " + cpuMillis + ", file " + fileBytes);
        }
    }

    /** The limits of one replica of {@code service}: its memory, its CPU, and its ephemeral storage's size. */
    static ReplicaLimits of(ManifestService service) {
        var r = service.resources();
        long storage = 0;
        for (Volume v : r.storage()) {
            if (!v.persistent()) {
                storage = Math.addExact(storage, v.bytes());
            }
        }
        // A service without ephemeral storage still writes its log: as much as its memory.
        return new ReplicaLimits(
                Math.max(1, r.memory().bytes()),
                Math.max(1, r.cpu().millicores()),
                storage > 0 ? storage : Math.max(1, r.memory().bytes()));
    }

    /** The address-space limit: memory plus {@link #ADDRESS_SPACE_HEADROOM_BYTES}. */
    long addressSpaceBytes() {
        return memoryBytes > Long.MAX_VALUE - ADDRESS_SPACE_HEADROOM_BYTES
                ? Long.MAX_VALUE
                : memoryBytes + ADDRESS_SPACE_HEADROOM_BYTES;
    }

    /** {@code cpu.max} for cgroup v2: quota and period in µs. */
    String cpuMax() {
        // The kernel's smallest quota is 1 ms; no host has ten million cores.
        long quota = Math.max(1000, Math.min(cpuMillis, 10_000_000L) * (CPU_PERIOD_MICROS / 1000));
        return quota + " " + CPU_PERIOD_MICROS;
    }
}

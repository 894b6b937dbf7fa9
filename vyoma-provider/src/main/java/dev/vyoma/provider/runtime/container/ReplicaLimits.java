package dev.vyoma.provider.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The limits every container gets besides its CPU and memory: processes, open files, log size. The ulimits are
 * ours capped at this host's hard limits, read at run time, because an engine cannot raise a container above
 * them (Podman's defaults fail here with "setrlimit: operation not permitted").
 */
record ReplicaLimits(long pids, long openFiles, long processes, String logMaxSize) {
    /** Processes and threads in one container (the cgroup's pids limit). */
    static final long PIDS_PER_REPLICA = 1024;
    /** Open files per process, when the host allows as many. */
    static final long OPEN_FILES_PER_REPLICA = 65_536;
    /** The engine rotates a container's log at this size. */
    static final String LOG_MAX_SIZE = "16m";

    /** Our limits, capped by the hard limits of this process (the engine's host). */
    static ReplicaLimits ofThisHost() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/limits"));
        } catch (IOException e) {
            lines = List.of();
        }
        return new ReplicaLimits(
                PIDS_PER_REPLICA,
                Math.min(OPEN_FILES_PER_REPLICA, hard(lines, "Max open files", 1024)),
                Math.min(PIDS_PER_REPLICA, hard(lines, "Max processes", 1024)),
                LOG_MAX_SIZE);
    }

    /** The hard limit on the line starting with {@code name}; {@code otherwise} if unreadable. */
    static long hard(List<String> lines, String name, long otherwise) {
        for (String l : lines) {
            if (l.startsWith(name)) {
                String[] cols = l.substring(name.length()).trim().split("\\s+", -1);
                if (cols.length >= 2) {
                    return cols[1].equals("unlimited") ? Long.MAX_VALUE : parse(cols[1], otherwise);
                }
            }
        }
        return otherwise;
    }

    private static long parse(String s, long otherwise) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}

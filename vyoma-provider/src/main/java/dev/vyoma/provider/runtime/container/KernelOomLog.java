package dev.vyoma.provider.runtime.container;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

/**
 * Whether the kernel's out-of-memory killer struck in a container during its last run, from the kernel log: its
 * {@code oom-kill:} line names the memory cgroup, whose path holds the container id ({@code libpod-<id>},
 * {@code docker-<id>.scope}). Needed because Podman 4.3 on cgroup v1 reports {@code OOMKilled: false} for a
 * container the kernel killed for memory; the engine's own flag is used when it is true. Reading the log needs
 * root, as the engine does; without it the answer is false and the exit is reported by its code.
 */
final class KernelOomLog {
    /** The most kernel log lines read for one question (the kernel's ring buffer holds far fewer). */
    static final int MAX_LINES = 200_000;

    static final long TIMEOUT_SECONDS = 5;
    /** Kernel log times are computed from the boot time and may be off by this much from the engine's clock. */
    static final Duration SLACK = Duration.ofSeconds(2);

    /** Whether the kernel log has an OOM kill in container {@code id} between its start and its end. */
    boolean killed(String id, Instant startedAt, Instant finishedAt) {
        if (!id.matches("[0-9a-f]{12,64}")) {
            return false;
        }
        Instant from = startedAt.minus(SLACK);
        Instant to = finishedAt.plus(SLACK);
        try {
            Process p = new ProcessBuilder("dmesg", "--time-format", "iso")
                    .redirectErrorStream(true)
                    .start();
            boolean found = false;
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                for (int n = 0; n < MAX_LINES && (line = in.readLine()) != null; n++) {
                    found |= line.contains("oom-kill:") && line.contains(id) && within(line, from, to);
                }
            } finally {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            return found;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether a line's leading time ({@code 2026-12-07T12:23:20,093647+00:00}) is within {@code [from, to]}. */
    static boolean within(String line, Instant from, Instant to) {
        int space = line.indexOf(' ');
        try {
            Instant t = OffsetDateTime.parse(
                            line.substring(0, Math.max(0, space)).replace(',', '.'))
                    .toInstant();
            return !t.isBefore(from) && !t.isAfter(to);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

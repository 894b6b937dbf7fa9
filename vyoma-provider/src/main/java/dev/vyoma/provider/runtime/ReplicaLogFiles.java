package dev.vyoma.provider.runtime;

import dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest;
import dev.vyoma.provider.runtime.WorkloadRuntime.Replica;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The process runtime's logs: each replica's output file, its last lines and then (when following) new lines as
 * they are written, each prefixed with {@code [service-index]}; a line longer than
 * {@link ProcessRuntime#MAX_LOG_LINE_CHARS} (or output that never ends a line) comes in pieces.
 */
final class ReplicaLogFiles {
    private ReplicaLogFiles() {}

    /**
     * Writes the output of {@code rs} to {@code line} as {@code request} says, following until {@code stop} says
     * so or {@code gone} says the lease was torn down.
     */
    static void write(
            List<Replica> rs,
            LogRequest request,
            java.util.function.Consumer<String> line,
            java.util.function.BooleanSupplier stop,
            java.util.function.BooleanSupplier gone)
            throws IOException, InterruptedException {
        long[] positions = new long[rs.size()];
        StringBuilder[] partial = new StringBuilder[rs.size()];
        for (int i = 0; i < rs.size(); i++) {
            Replica r = rs.get(i);
            String prefix = "[" + r.service() + "-" + r.index() + "] ";
            partial[i] = new StringBuilder();
            if (!Files.exists(r.log())) {
                continue;
            }
            // The last lines: read at most the file's last 1 MiB.
            try (java.io.RandomAccessFile f =
                    new java.io.RandomAccessFile(r.log().toFile(), "r")) {
                long size = f.length();
                long from = Math.max(0, size - (1 << 20));
                byte[] tailBytes = new byte[(int) (size - from)];
                f.seek(from);
                f.readFully(tailBytes);
                positions[i] = size;
                List<String> lines = new ArrayList<>(java.util.Arrays.asList(
                        new String(tailBytes, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1)));
                String last = lines.remove(lines.size() - 1); // an unfinished line waits for its end
                partial[i].append(last);
                pieces(partial[i], prefix, line);
                int tail = request.tail() < 0 ? lines.size() : Math.min(request.tail(), lines.size());
                for (String l : lines.subList(lines.size() - tail, lines.size())) {
                    line.accept(prefix + l);
                }
            }
        }
        while (request.follow() && !stop.getAsBoolean()) {
            if (gone.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
            for (int i = 0; i < rs.size(); i++) {
                Replica r = rs.get(i);
                if (!Files.exists(r.log())) {
                    continue;
                }
                try (java.io.RandomAccessFile f =
                        new java.io.RandomAccessFile(r.log().toFile(), "r")) {
                    long size = f.length();
                    if (size <= positions[i]) {
                        continue;
                    }
                    byte[] fresh = new byte[(int) Math.min(size - positions[i], 1 << 20)];
                    f.seek(positions[i]);
                    f.readFully(fresh);
                    positions[i] += fresh.length;
                    partial[i].append(new String(fresh, java.nio.charset.StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = partial[i].indexOf("\n")) >= 0) {
                        line.accept("[" + r.service() + "-" + r.index() + "] " + partial[i].substring(0, nl));
                        partial[i].delete(0, nl + 1);
                    }
                    pieces(partial[i], "[" + r.service() + "-" + r.index() + "] ", line);
                }
            }
        }
    }

    /** Passes on an unfinished line in pieces once it is long: a replica that never ends a line is not held. */
    private static void pieces(StringBuilder partial, String prefix, java.util.function.Consumer<String> line) {
        while (partial.length() >= ProcessRuntime.MAX_LOG_LINE_CHARS) {
            line.accept(prefix + partial.substring(0, ProcessRuntime.MAX_LOG_LINE_CHARS));
            partial.delete(0, ProcessRuntime.MAX_LOG_LINE_CHARS);
        }
    }
}

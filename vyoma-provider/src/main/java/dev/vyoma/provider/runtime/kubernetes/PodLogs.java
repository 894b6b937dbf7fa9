package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A lease's logs from the API server: each replica's last lines ({@code kubectl logs --tail}), then with follow new
 * lines as they come, each prefixed {@code [service-index]}, until the caller stops or the lease is gone. One thread
 * per followed pod; lines reach the caller one at a time.
 */
final class PodLogs {
    /** The longest line passed on; longer ones are cut (a tenant's process writes what it likes). */
    static final int MAX_LINE_CHARS = 16 * 1024;

    private static final long POLL_MS = 100;

    private PodLogs() {}

    static void write(
            KubernetesClient client,
            String ns,
            List<PodReports.PodReplica> pods,
            WorkloadRuntime.LogRequest request,
            Consumer<String> line,
            BooleanSupplier stop,
            BooleanSupplier gone)
            throws IOException, InterruptedException {
        Consumer<String> out = l -> {
            synchronized (line) {
                line.accept(l.length() > MAX_LINE_CHARS ? l.substring(0, MAX_LINE_CHARS) : l);
            }
        };
        if (!request.follow()) {
            for (PodReports.PodReplica p : pods) {
                String prefix = "[" + p.service() + "-" + p.index() + "] ";
                PodResource r = pod(client, ns, p);
                String text =
                        request.tail() >= 0 ? r.tailingLines(request.tail()).getLog() : r.getLog();
                if (text != null) {
                    text.lines().forEach(l -> out.accept(prefix + l));
                }
            }
            return;
        }
        List<LogWatch> watches = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            for (PodReports.PodReplica p : pods) {
                String prefix = "[" + p.service() + "-" + p.index() + "] ";
                PodResource r = pod(client, ns, p);
                LogWatch w =
                        request.tail() >= 0 ? r.tailingLines(request.tail()).watchLog() : r.watchLog();
                watches.add(w);
                readers.add(Thread.ofVirtual()
                        .name("logs-" + p.pod().getMetadata().getName())
                        .start(() -> {
                            try (BufferedReader in =
                                    new BufferedReader(new InputStreamReader(w.getOutput(), StandardCharsets.UTF_8))) {
                                String l;
                                while ((l = in.readLine()) != null) {
                                    out.accept(prefix + l);
                                }
                            } catch (IOException e) {
                                // The stream ended with the watch closed or the pod gone.
                            }
                        }));
            }
            while (!stop.getAsBoolean()
                    && !gone.getAsBoolean()
                    && readers.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(POLL_MS);
            }
        } finally {
            watches.forEach(LogWatch::close);
            for (Thread t : readers) {
                t.join(1000);
            }
        }
    }

    private static PodResource pod(KubernetesClient client, String ns, PodReports.PodReplica p) {
        return client.pods().inNamespace(ns).withName(p.pod().getMetadata().getName());
    }
}

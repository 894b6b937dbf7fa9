package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A lease's output from the engine's log streams, line by line, each prefixed with {@code [service-index]}: the
 * last lines of each replica in turn, then (when following) new lines from all replicas as they come, until the
 * caller stops or the lease ends. Lines longer than {@link #MAX_LINE_BYTES} are cut; at most
 * {@link #MAX_FOLLOWERS} streams follow at once, so followers cannot take every connection to the engine.
 */
final class ContainerLogs {
    static final int MAX_FOLLOWERS = 32;
    static final int MAX_LINE_BYTES = 16 * 1024;
    static final long POLL_MS = 200;

    /** One replica's stream: its prefix and container. */
    record Source(String service, int index, String containerId) {}

    private final DockerClient streams;
    private final Semaphore followers = new Semaphore(MAX_FOLLOWERS);

    ContainerLogs(Engine engine) {
        this.streams = engine.streams();
    }

    void write(
            List<Source> sources,
            WorkloadRuntime.LogRequest request,
            Consumer<String> line,
            BooleanSupplier stop,
            BooleanSupplier ended)
            throws IOException, InterruptedException {
        Consumer<String> out = l -> {
            synchronized (this) {
                line.accept(l);
            }
        };
        if (!request.follow()) {
            for (Source s : sources) {
                try (Lines l = start(s, request, out)) {
                    l.awaitCompletion();
                }
            }
            return;
        }
        if (!followers.tryAcquire(sources.size())) {
            throw new IOException("more than " + MAX_FOLLOWERS + " log streams are open on this provider; try again");
        }
        List<Lines> open = new ArrayList<>();
        try {
            for (Source s : sources) {
                open.add(start(s, request, out));
            }
            while (!stop.getAsBoolean()
                    && !ended.getAsBoolean()
                    && open.stream().anyMatch(l -> !l.done)) {
                Thread.sleep(POLL_MS);
            }
        } finally {
            for (Lines l : open) {
                l.close();
            }
            followers.release(sources.size());
        }
    }

    private Lines start(Source s, WorkloadRuntime.LogRequest request, Consumer<String> out) {
        LogContainerCmd cmd = streams.logContainerCmd(s.containerId())
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(request.follow());
        cmd = request.tail() < 0 ? cmd.withTailAll() : cmd.withTail(request.tail());
        return cmd.exec(new Lines("[" + s.service() + "-" + s.index() + "] ", out));
    }

    /** Splits one stream's frames into lines. */
    static final class Lines extends ResultCallback.Adapter<Frame> {
        private final String prefix;
        private final Consumer<String> out;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private volatile boolean done;

        Lines(String prefix, Consumer<String> out) {
            this.prefix = prefix;
            this.out = out;
        }

        @Override
        public void onNext(Frame frame) {
            for (byte b : frame.getPayload()) {
                if (b == '\n' || partial.size() >= MAX_LINE_BYTES) {
                    flush();
                }
                if (b != '\n') {
                    partial.write(b);
                }
            }
        }

        private void flush() {
            out.accept(prefix + partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        }

        @Override
        public void onComplete() {
            if (partial.size() > 0) {
                flush();
            }
            done = true;
            super.onComplete();
        }

        @Override
        public void onError(Throwable t) {
            done = true;
            super.onError(t);
        }
    }
}

package dev.vyoma.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java main class in a JVM of its own, on the test's class path (as a daemon runs on a machine): its output is kept,
 * and {@link #start} returns once a line says it is ready.
 */
public final class JavaProcess {
    /** The child JVM itself. */
    public final Process process;

    private final StringBuilder log = new StringBuilder();

    private JavaProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM with {@code jvmOptions}; returns once it printed a line
     * {@code ready} accepts, or kills it and fails with what it printed, naming it {@code what}, after {@code within}.
     */
    public static JavaProcess start(
            String what,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Predicate<String> ready,
            Duration within)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        JavaProcess p = new JavaProcess(
                new ProcessBuilder(cmd).redirectErrorStream(true).start());
        CountDownLatch started = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (p.log) {
                        p.log.append(line).append('\n');
                    }
                    if (ready.test(line)) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        if (!started.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
            p.kill();
            throw new IllegalStateException(what + " did not start:\n" + p.log());
        }
        return p;
    }

    /** What the process printed so far. */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** kill -9 of the process and of every process it started, then waits (up to 10 s) for it to end. */
    public void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

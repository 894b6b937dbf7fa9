package dev.vyoma.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node in a JVM of its own, started from its home with this JVM's Java and class path, as {@code vyoma node
 * start} runs it; its output goes to {@code node.log} in the home. For tests and benchmarks of local networks.
 */
public final class NodeProcess implements AutoCloseable {
    private final Path home;
    private final Path log;
    private final List<String> jvmOptions;
    private Process process;

    /** A node with a small heap, for tests. */
    public NodeProcess(Path home) {
        this(home, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    public NodeProcess(Path home, List<String> jvmOptions) {
        this.home = home;
        this.log = home.resolve("node.log");
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts the process and waits for its ready line. */
    public NodeProcess start() throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                NodeMain.class.getName(),
                "--home",
                home.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CountDownLatch ready = new CountDownLatch(1);
        Process p = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(
                            log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    out.flush();
                    if (line.startsWith("vyoma node ") && line.contains(" ready: ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        if (!ready.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("node in " + home + " did not start; its log:\n" + logText());
        }
        return this;
    }

    /** SIGTERM, then waits for the graceful exit; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("node in " + home + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            kill();
        }
    }
}

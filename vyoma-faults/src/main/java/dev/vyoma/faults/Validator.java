package dev.vyoma.faults;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One validator of the testbed: {@code vyoma node start}'s main class in a JVM of its own, run inside its namespace
 * by {@code ip netns exec} (which execs, so the process is the JVM and signals reach it), with its home on its own
 * disk and its output appended to its log. The host talks to its API at its address.
 */
final class Validator {
    static final int RAFT_PORT = 26656;
    static final int API_PORT = 1317;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int index;
    private final Path home;
    private final Path log;
    private Process process;
    private boolean paused;

    Validator(int index, Path home, Path log) {
        this.index = index;
        this.home = home;
        this.log = log;
    }

    int index() {
        return index;
    }

    String id() {
        return "n" + index;
    }

    Path home() {
        return home;
    }

    String api() {
        return "http://" + Testbed.address(index) + ":" + API_PORT;
    }

    /** Starts the JVM; returns at once (see {@link #awaitServing}). */
    synchronized void start() throws IOException {
        if (alive()) {
            throw new IllegalStateException(id() + " is running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.vyoma.node.NodeMain",
                "--home",
                home.toString()));
        process = new ProcessBuilder(Testbed.inNamespace(index, cmd))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()))
                .start();
        paused = false;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit status of the process, once it has ended; empty while it runs or before it first started. */
    synchronized OptionalInt exitCode() {
        return process == null || process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    Path log() {
        return log;
    }

    synchronized boolean paused() {
        return paused;
    }

    /** kill -9. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            paused = false;
        }
    }

    /** SIGTERM, waiting for the graceful exit (kill -9 after 30 s). */
    synchronized void terminate() throws InterruptedException {
        if (alive()) {
            resume();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGSTOP: the process is frozen with its sockets open. */
    synchronized void pause() {
        if (alive()) {
            Shell.must("kill", "-STOP", Long.toString(process.pid()));
            paused = true;
        }
    }

    /** SIGCONT. */
    synchronized void resume() {
        if (alive() && paused) {
            Shell.must("kill", "-CONT", Long.toString(process.pid()));
        }
        paused = false;
    }

    /** SIGQUIT: the JVM writes its threads' stacks to its output, the log; for a member found stuck. */
    synchronized void dumpThreads() {
        if (alive()) {
            Shell.run("kill", "-QUIT", Long.toString(process.pid()));
        }
    }

    /** The node's {@code /v1/status}, or empty when it does not answer. */
    Optional<JsonNode> status() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(api() + "/v1/status"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The height this node reports, or -1. */
    long height() {
        return status().map(s -> s.path("height").asLong()).orElse(-1L);
    }

    /** Waits until the API answers; false after {@code timeout} or if the process ended. */
    boolean awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                return false;
            }
            if (status().isPresent()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}

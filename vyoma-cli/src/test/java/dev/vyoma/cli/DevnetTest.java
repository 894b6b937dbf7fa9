package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code vyoma devnet} in a process of its own, and {@code vyoma deploy} against it: the URI answers. */
class DevnetTest {
    @TempDir
    Path dir;

    /** A base port whose next six ports are all free. */
    private static int freeBlock() throws Exception {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = random.nextInt(20_000, 60_000);
            boolean free = true;
            for (int i = 0; i < 6 && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    s.setReuseAddress(true);
                } catch (java.io.IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no block of six free ports");
    }

    private static String rawGet(String hostAndPort) throws Exception {
        int port = Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + hostAndPort + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void deployTheWebExampleOnADevnet() throws Exception {
        int base = freeBlock();
        Path home = dir.resolve("devnet");
        Process devnet = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx768m",
                        "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "devnet",
                        "--home",
                        home.toString(),
                        "--port-base",
                        Integer.toString(base)))
                .redirectErrorStream(true)
                .start();
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder log = new StringBuilder();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(devnet.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.startsWith("Ctrl-C stops it")) {
                        ready.countDown();
                    }
                }
            } catch (Exception e) {
                // ended
            }
        });
        try {
            assertThat(ready.await(90, TimeUnit.SECONDS))
                    .as("devnet started:\n" + log)
                    .isTrue();
            synchronized (log) {
                assertThat(log.toString())
                        .contains("GPU provider (8x H100 80Gi SXM)", "CPU provider", "vyoma deploy examples/web.yaml");
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] common = {
                "--node",
                "http://127.0.0.1:" + base,
                "--keyring-backend",
                "test",
                "--home",
                home.resolve("keys").toString()
            };
            String[] deploy = concat(
                    new String[] {
                        "deploy",
                        Fixtures.repositoryRoot().resolve("examples/web.yaml").toString(),
                        "--from",
                        "tenant",
                        "--timeout",
                        "40s",
                        "-o",
                        "json"
                    },
                    common);
            int code = Main.run(deploy, new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(err.toString()).isZero();
            JsonNode leases = new ObjectMapper().readTree(out.toString());
            String uri = leases.get(0).path("uris").asString();
            assertThat(rawGet(uri)).startsWith("HTTP/1.1 200").contains("<h1>web</h1>");

            String dseq = leases.get(0).path("lease").asString().split("/")[1];
            int closed = Main.run(
                    concat(new String[] {"deploy", "close", dseq, "--from", "tenant"}, common),
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(new StringWriter(), true));
            assertThat(closed).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!rawGet(uri).startsWith("HTTP/1.1 404") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(rawGet(uri)).startsWith("HTTP/1.1 404");
        } finally {
            devnet.destroy();
            if (!devnet.waitFor(30, TimeUnit.SECONDS)) {
                devnet.destroyForcibly().waitFor();
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

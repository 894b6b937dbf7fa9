package dev.vyoma.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code vyoma devnet} in a process of its own, with everything it printed so far; closing it sends SIGTERM. */
record DevnetProcess(Process process, StringBuilder log) implements AutoCloseable {
    String output() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Starts a devnet in {@code home} on the ports from {@code base}; returns once it printed its table. */
    static DevnetProcess start(Path home, int base, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
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
                Integer.toString(base)));
        cmd.addAll(List.of(extra));
        Process devnet = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
        DevnetProcess d = new DevnetProcess(devnet, log);
        if (!ready.await(120, TimeUnit.SECONDS)) {
            d.close();
            throw new AssertionError("the devnet did not start:\n" + d.output());
        }
        return d;
    }

    /** The address printed at the end of the startup table's row that starts with {@code what}. */
    String addressOf(String what) {
        return output().lines()
                .filter(l -> l.startsWith(what))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + what + " in:\n" + output()));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A base port whose next {@code n} ports are all free. */
    static int freeBlock(int n) throws Exception {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = random.nextInt(20_000, 60_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
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
        throw new IllegalStateException("no block of " + n + " free ports");
    }

    /** A GET of {@code /} with {@code Host: hostAndPort}, sent to that port on loopback; the whole answer. */
    static String rawGet(String hostAndPort) throws Exception {
        int port = Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + hostAndPort + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The arrays one after the other. */
    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    /** What the CLI, run in this JVM, answered: its exit code, output and errors. */
    record Run(int code, String out, String err) {}

    /** Runs {@code vyoma args common…} in this JVM. */
    static Run cli(String[] args, String... common) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = java.util.Arrays.copyOf(args, args.length + common.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        int code = Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}

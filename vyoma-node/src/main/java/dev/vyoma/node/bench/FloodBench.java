package dev.vyoma.node.bench;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.NodeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One address floods a node's API while another uses it: a validator process on loopback with its default API
 * limits; a client from 127.0.0.2 asks {@code GET /v1/status} in a loop, first alone (the reference) and then while
 * 127.0.0.1 opens {@code subscribers} event streams ({@code GET /v1/events}, read but never closed) and {@code
 * slowloris} connections that send a request head one byte a second. It reports the other client's latency in
 * both phases (p50, p99, max, and the ratio of the p99s), what the flood's connections were answered (200, 429,
 * 503, or closed with no answer), how long the slowloris connections were held before the node closed them, and
 * the blocks the node made under the flood against its interval (from the blocks' own times).
 */
public final class FloodBench {
    /** Latencies of one phase, in milliseconds, and how many requests failed. */
    public record Latency(long requests, long failed, double p50Millis, double p99Millis, double maxMillis) {}

    /** What one run measured. */
    public record Result(
            int subscribers,
            int slowloris,
            Latency alone,
            Latency flooded,
            Map<String, Long> floodAnswers,
            long slowlorisClosed,
            double slowlorisHeldMedianSeconds,
            double slowlorisHeldMaxSeconds,
            long blockIntervalMillis,
            long blocks,
            double floodSeconds,
            long maxBlockGapMillis) {
        /** The other client's p99 under the flood over its p99 alone. */
        public double p99Ratio() {
            return alone.p99Millis() == 0 ? 0 : flooded.p99Millis() / alone.p99Millis();
        }
    }

    private FloodBench() {}

    /**
     * Runs the flood against a fresh validator in {@code dir}: {@code alone} of the other client by itself, then
     * {@code flood} with {@code subscribers} streams and {@code slowloris} slow heads; {@code progress} hears what
     * happens.
     */
    public static Result run(
            Path dir,
            int subscribers,
            int slowloris,
            Duration blockInterval,
            Duration alone,
            Duration flood,
            Consumer<String> progress)
            throws IOException, InterruptedException {
        Genesis genesis = new Genesis("vyoma-flood", System.currentTimeMillis(), Params.defaults(), List.of());
        List<Integer> ports = LocalPorts.free(2);
        NodeHome home = NodeHome.testnet(
                        dir, "127.0.0.1", ports.subList(0, 1), ports.subList(1, 2), genesis, blockInterval.toMillis())
                .get(0);
        int port = ports.get(1);
        try (NodeProcess node = new NodeProcess(home.dir(), List.of("-Xmx512m")).start();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient other = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .localAddress(InetAddress.getByName("127.0.0.2"))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            ConcurrentSkipListMap<Long, Long> blockTimes = new ConcurrentSkipListMap<>();
            // Warm-up, not counted: the node's and the client's code paths compiled.
            measure(other, port, Duration.ofSeconds(3), blockTimes);
            progress.accept("the other client alone for " + alone.toSeconds() + " s");
            Latency quiet = measure(other, port, alone, blockTimes);

            progress.accept("127.0.0.1 opens " + subscribers + " event streams and " + slowloris + " slow heads");
            long floodStart = System.nanoTime();
            long floodEnd = floodStart + flood.toNanos();
            Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Long> heldNanos = new ConcurrentLinkedQueue<>();
            List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < subscribers; i++) {
                threads.execute(() -> subscribe(port, floodEnd, answers, sockets));
            }
            for (int i = 0; i < slowloris; i++) {
                threads.execute(() -> slowHead(port, floodEnd, heldNanos, sockets));
            }
            long heightBefore = blockTimes.isEmpty() ? 0 : blockTimes.lastKey();
            Latency flooded = measure(other, port, flood, blockTimes);
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            for (Socket s : List.copyOf(sockets)) {
                s.close();
            }
            threads.shutdownNow();

            Map<Long, Long> during = blockTimes.tailMap(heightBefore, true);
            long maxGap = 0;
            Long prev = null;
            for (long t : during.values()) {
                if (prev != null) {
                    maxGap = Math.max(maxGap, t - prev);
                }
                prev = t;
            }
            long[] held = heldNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Long> answered = new TreeMap<>();
            answers.forEach((k, v) -> answered.put(k, v.get()));
            return new Result(
                    subscribers,
                    slowloris,
                    quiet,
                    flooded,
                    answered,
                    held.length,
                    percentile(held, 0.5) / 1e9,
                    held.length == 0 ? 0 : held[held.length - 1] / 1e9,
                    blockInterval.toMillis(),
                    during.isEmpty() ? 0 : blockTimes.lastKey() - heightBefore,
                    floodSeconds,
                    maxGap);
        }
    }

    /** The result as a Markdown table, as docs/benchmarks.md shows it. */
    public static String table(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("| the other client (127.0.0.2), GET /v1/status | requests | failed | p50 | p99 | max |\n");
        b.append("| --- | --- | --- | --- | --- | --- |\n");
        row(b, "alone (reference)", r.alone());
        row(b, "under the flood", r.flooded());
        b.append(String.format(java.util.Locale.ROOT, "%nflood p99 / reference p99: %.2f%n%n", r.p99Ratio()));
        b.append("| the flood (127.0.0.1) | count |\n| --- | --- |\n");
        b.append("| event streams asked for | ").append(r.subscribers()).append(" |\n");
        r.floodAnswers()
                .forEach((k, v) ->
                        b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        b.append("| slow heads opened | ").append(r.slowloris()).append(" |\n");
        b.append(String.format(
                java.util.Locale.ROOT,
                "| slow heads closed by the node | %d (held %.1f s median, %.1f s max) |%n",
                r.slowlorisClosed(),
                r.slowlorisHeldMedianSeconds(),
                r.slowlorisHeldMaxSeconds()));
        b.append(String.format(
                java.util.Locale.ROOT,
                "| blocks under the flood | %d in %.1f s at a %d ms interval; longest gap %d ms |%n",
                r.blocks(),
                r.floodSeconds(),
                r.blockIntervalMillis(),
                r.maxBlockGapMillis()));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Latency l) {
        b.append(String.format(
                java.util.Locale.ROOT,
                "| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms |%n",
                name,
                l.requests(),
                l.failed(),
                l.p50Millis(),
                l.p99Millis(),
                l.maxMillis()));
    }

    /** The other client: one request at a time, every 10 ms, for {@code length}; each answer's block noted. */
    private static Latency measure(HttpClient http, int port, Duration length, Map<Long, Long> blockTimes)
            throws InterruptedException {
        URI status = URI.create("http://127.0.0.1:" + port + "/v1/status");
        List<Long> nanos = new ArrayList<>();
        long failed = 0;
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(status)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                nanos.add(System.nanoTime() - t0);
                if (r.statusCode() != 200) {
                    failed++;
                } else {
                    noteBlock(r.body(), blockTimes);
                }
            } catch (IOException e) {
                nanos.add(System.nanoTime() - t0);
                failed++;
            }
            Thread.sleep(10);
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Latency(
                sorted.length,
                failed,
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    /** The height and block time of a status answer: {@code "height":N,…"latestBlockTime":"…"}. */
    private static void noteBlock(String body, Map<Long, Long> blockTimes) {
        int h = body.indexOf("\"height\":");
        int t = body.indexOf("\"latestBlockTime\":\"");
        if (h < 0 || t < 0) {
            return;
        }
        long height = Long.parseLong(body.substring(h + 9, body.indexOf(',', h)));
        String time = body.substring(t + 19, body.indexOf('"', t + 19));
        blockTimes.put(height, java.time.Instant.parse(time).toEpochMilli());
    }

    /** One event stream from 127.0.0.1: its answer's status counted, then read until the flood ends. */
    private static void subscribe(int port, long end, Map<String, AtomicLong> answers, List<Socket> sockets) {
        String answer;
        try (Socket s = connect(port, sockets)) {
            s.getOutputStream()
                    .write(("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String line = line(in);
            answer = line.isEmpty() ? "closed with no answer" : "answered " + line.split(" ", 3)[1];
            answers.computeIfAbsent(answer, k -> new AtomicLong()).incrementAndGet();
            byte[] buf = new byte[4096];
            while (System.nanoTime() < end && in.read(buf) >= 0) {
                // An open stream: keep reading what the node sends.
            }
        } catch (IOException e) {
            if (System.nanoTime() < end) {
                answers.computeIfAbsent("failed: " + e.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
            }
        }
    }

    /** A slowloris connection from 127.0.0.1: a request head a byte a second; how long the node kept it. */
    private static void slowHead(int port, long end, ConcurrentLinkedQueue<Long> held, List<Socket> sockets) {
        long opened = System.nanoTime();
        try (Socket s = connect(port, sockets)) {
            opened = System.nanoTime();
            s.getOutputStream()
                    .write("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(1_000);
            while (System.nanoTime() < end) {
                try {
                    if (s.getInputStream().read() < 0) {
                        held.add(System.nanoTime() - opened);
                        return;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    s.getOutputStream().write('X');
                    s.getOutputStream().flush();
                }
            }
        } catch (IOException e) {
            // Reset by the node (before the flood ends; after it, the bench closed the socket itself).
            if (System.nanoTime() < end) {
                held.add(System.nanoTime() - opened);
            }
        }
    }

    private static Socket connect(int port, List<Socket> sockets) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * {@code java -cp vyoma.jar dev.vyoma.node.bench.FloodBench [subscribers] [slowloris] [flood seconds]}: runs
     * the flood (defaults 1,000, 200, 30 s; the reference 15 s; 1 s blocks) in a temporary directory and prints
     * the tables.
     */
    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int slowloris = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 30;
        Path dir = Files.createTempDirectory("vyoma-flood");
        try {
            Result r = run(
                    dir,
                    subscribers,
                    slowloris,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(seconds),
                    line -> System.out.println("flood: " + line));
            System.out.print(table(r));
        } finally {
            NodeBench.deleteTree(dir);
        }
    }
}

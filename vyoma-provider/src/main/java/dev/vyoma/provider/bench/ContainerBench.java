package dev.vyoma.provider.bench;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.provider.runtime.container.ContainerRuntime;
import dev.vyoma.provider.runtime.container.EngineAddress;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * How long a lease takes from its manifest to an answering URL on the container runtime, and what the provider's
 * ingress costs against a container's own port. It runs what a provider runs (the {@link ContainerRuntime} with the
 * provider's settings, the {@link LeaseManager} and the {@link Ingress}) on a real engine, with no chain: the clock
 * starts when the lease manager accepts a manifest, as the gateway hands it over after its checks, and stops when the
 * lease's ingress URL first answers 200 with the page the container serves. The leases are deployed one after
 * another and all stay running to the end, as a provider's leases do.
 *
 * <p>The load part sends requests from {@code concurrency} clients, each on a new connection ({@code Connection:
 * close}, as busybox's web server closes every connection anyway), first straight to the container's published
 * port, then through the ingress, in alternating rounds so that both see the same machine. With {@code keepAlive}
 * it measures a second pair as well, with clients that keep their connection open between requests as browsers and
 * HTTP libraries do (and open a new one only when the server closed theirs: busybox closes each, the ingress keeps
 * a client's open). Before the timed rounds each measured path gets {@code warmup} of untimed load, so that the
 * JVM has compiled the ingress's request path as it has on a provider that has been up for a while.
 */
public final class ContainerBench {
    /** What to run. */
    public record Settings(
            String image, int leases, int concurrency, Duration load, int rounds, Duration warmup, boolean keepAlive) {
        public Settings {
            if (leases < 1 || leases > 200) {
                throw new IllegalArgumentException("leases must be 1 to 200, got " + leases);
            }
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be 1 to 256, got " + concurrency);
            }
            if (load.isNegative() || load.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("the load time must be 0 to 10 minutes, got " + load);
            }
            if (rounds < 1 || rounds > 20) {
                throw new IllegalArgumentException("rounds must be 1 to 20, got " + rounds);
            }
            if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("the warm-up must be 0 to 10 minutes, got " + warmup);
            }
        }
    }

    /** Latencies in milliseconds. */
    public record Percentiles(int count, double p50, double p99, double max) {
        static Percentiles of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Percentiles(sorted.length, at(sorted, 0.50), at(sorted, 0.99), at(sorted, 1.0));
        }

        private static double at(long[] sorted, double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    /** One load measurement: requests answered 200, failures, their rate and latencies. */
    public record Load(long ok, long failed, double seconds, Percentiles latency) {
        public double perSecond() {
            return seconds == 0 ? 0 : ok / seconds;
        }
    }

    /** The same load straight at the container and through the ingress. */
    public record Comparison(Load direct, Load ingress) {
        /** Ingress throughput over direct. */
        public double throughputRatio() {
            return direct.perSecond() == 0 ? 0 : ingress.perSecond() / direct.perSecond();
        }

        /** What the ingress adds to the median latency, in milliseconds. */
        public double addedP50() {
            return ingress.latency().p50() - direct.latency().p50();
        }

        /** What the ingress adds to the 99th percentile latency, in milliseconds. */
        public double addedP99() {
            return ingress.latency().p99() - direct.latency().p99();
        }
    }

    /**
     * Manifest → URL over the leases; the loads with a new connection per request, and (when asked for) with clients
     * that keep theirs open. {@code owner}: the provider name the benchmark's engine objects were labelled with.
     */
    public record Result(
            String owner, Percentiles manifestToUrl, Comparison newConnections, Optional<Comparison> keepAlive) {}

    /** How the load clients use connections. */
    enum Connections {
        /** A new connection for each request, closed after its answer. */
        PER_REQUEST,
        /** One connection per client, kept open between requests; a new one only after the server closed it. */
        KEEP_ALIVE
    }

    private static final String PAGE = "vyoma-bench";
    private static final Duration READY_LIMIT = Duration.ofMinutes(1);
    private static final int READ_TIMEOUT_MS = 10_000;

    private ContainerBench() {}

    /** The SDL of each lease: one web service answering on global port 80 with {@link #PAGE}. */
    static String sdl(String image) {
        return """
                version: "2.0"
                services:
                  web:
                    image: %s
                    command: ["/bin/sh", "-c"]
                    args: ["echo %s > /tmp/index.html && exec /bin/busybox httpd -f -p 80 -h /tmp"]
                    expose:
                      - port: 80
                        as: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    web:
                      resources:
                        cpu: {units: 0.5}
                        memory: {size: 64Mi}
                        storage:
                          - size: 64Mi
                  placement:
                    dc:
                      pricing:
                        web: {denom: uusd, amount: 1000}
                deployment:
                  web:
                    dc: {profile: web, count: 1}
                """.formatted(image, PAGE);
    }

    static ManifestGroup group(String image) {
        SdlResult r = Sdl.parse(sdl(image), "bench.yaml");
        if (!(r instanceof SdlResult.Valid v)) {
            throw new IllegalArgumentException("the image name makes an invalid SDL: " + r.errors());
        }
        return v.document().manifest().groups().get(0);
    }

    /**
     * Runs the benchmark on {@code engine} with state in {@code dir}, telling {@code progress} what it does; removes
     * every lease it made before it returns.
     */
    public static Result run(EngineAddress engine, Path dir, Settings settings, Consumer<String> progress)
            throws IOException, InterruptedException {
        String owner = "vyoma1bench" + Long.toHexString(System.nanoTime() & 0xffffff);
        ManifestGroup group = group(settings.image());
        List<String> leases = new ArrayList<>();
        try (ContainerRuntime runtime =
                        ContainerRuntime.connect(Optional.of(engine), owner, dir.resolve("containers"));
                Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            LeaseManager manager =
                    new LeaseManager(runtime, ingress, "127.0.0.1", dir.resolve("routes"), Clock.systemUTC());
            try {
                long[] starts = new long[settings.leases()];
                for (int i = 0; i < settings.leases(); i++) {
                    String lease = owner + "/" + (i + 1) + "/1/1/" + owner;
                    leases.add(lease);
                    String host = ingress.hostFor(IngressId.of(lease, "web"));
                    long t0 = System.nanoTime();
                    manager.deploy(lease, group);
                    awaitPage(ingress.port(), host, t0, () -> problem(manager, lease));
                    starts[i] = System.nanoTime() - t0;
                    progress.accept("lease " + (i + 1) + "/" + settings.leases() + ": URL answered "
                            + Math.round(starts[i] / 1e6) + " ms after its manifest");
                }
                String first = leases.get(0);
                int direct = runtime.status(first).replicas().get(0).ports().get(80);
                String host = ingress.hostFor(IngressId.of(first, "web"));
                List<Connections> modes = settings.keepAlive()
                        ? List.of(Connections.PER_REQUEST, Connections.KEEP_ALIVE)
                        : List.of(Connections.PER_REQUEST);
                if (!settings.warmup().isZero()) {
                    progress.accept("warm-up: " + settings.warmup().toMillis() + " ms of untimed load, both ways");
                    Duration each = settings.warmup().dividedBy(2L * modes.size());
                    for (Connections mode : modes) {
                        load(direct, "127.0.0.1", settings.concurrency(), each, mode, new ArrayList<>(), new long[2]);
                        load(ingress.port(), host, settings.concurrency(), each, mode, new ArrayList<>(), new long[2]);
                    }
                }
                Duration slice = settings.load().dividedBy((long) settings.rounds() * modes.size());
                List<Comparison> comparisons = new ArrayList<>();
                List<List<long[]>> latencies = new ArrayList<>();
                long[][] counts = new long[2 * modes.size()][2];
                double[] seconds = new double[2 * modes.size()];
                for (int i = 0; i < 2 * modes.size(); i++) {
                    latencies.add(new ArrayList<>());
                }
                for (int round = 0; round < settings.rounds(); round++) {
                    for (int m = 0; m < modes.size(); m++) {
                        Connections mode = modes.get(m);
                        progress.accept("load round " + (round + 1) + "/" + settings.rounds() + ": "
                                + settings.concurrency() + " clients, "
                                + (mode == Connections.KEEP_ALIVE ? "keeping connections open" : "a connection each")
                                + ", " + slice.toMillis() + " ms direct, then through the ingress");
                        seconds[2 * m] += load(
                                direct,
                                "127.0.0.1",
                                settings.concurrency(),
                                slice,
                                mode,
                                latencies.get(2 * m),
                                counts[2 * m]);
                        seconds[2 * m + 1] += load(
                                ingress.port(),
                                host,
                                settings.concurrency(),
                                slice,
                                mode,
                                latencies.get(2 * m + 1),
                                counts[2 * m + 1]);
                    }
                }
                for (int m = 0; m < modes.size(); m++) {
                    Load[] pair = new Load[2];
                    for (int side = 0; side < 2; side++) {
                        int i = 2 * m + side;
                        pair[side] = new Load(
                                counts[i][0], counts[i][1], seconds[i], Percentiles.of(concat(latencies.get(i))));
                    }
                    comparisons.add(new Comparison(pair[0], pair[1]));
                }
                return new Result(
                        owner,
                        Percentiles.of(starts),
                        comparisons.get(0),
                        comparisons.size() > 1 ? Optional.of(comparisons.get(1)) : Optional.empty());
            } finally {
                for (String lease : leases) {
                    manager.ended(lease);
                }
                runtime.removeOrphans(java.util.Set.of());
                manager.close();
            }
        }
    }

    private static String problem(LeaseManager manager, String lease) {
        Object p = manager.status(lease).get("problem");
        return p == null ? "" : p.toString();
    }

    private static void awaitPage(int port, String host, long t0, java.util.function.Supplier<String> problem)
            throws IOException, InterruptedException {
        long deadline = t0 + READY_LIMIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            String why = problem.get();
            if (!why.isEmpty()) {
                last = why;
            }
            try {
                String answer = get(port, host);
                if (answer.startsWith("HTTP/1.1 200") && answer.contains(PAGE)) {
                    return;
                }
                last = why.isEmpty() ? answer.lines().findFirst().orElse("an empty answer") : why;
            } catch (IOException e) {
                last = why.isEmpty() ? e.toString() : why;
            }
            Thread.sleep(5);
        }
        throw new IOException("the lease's URL did not answer within " + READY_LIMIT + "; last: " + last);
    }

    /** Runs the load for {@code time}; adds each client's latencies to {@code runs} and [ok, failed] to counts. */
    private static double load(
            int port, String host, int clients, Duration time, Connections mode, List<long[]> runs, long[] counts)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + time.toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<long[]>> futures = new ArrayList<>();
            long[][] failed = new long[clients][1];
            for (int c = 0; c < clients; c++) {
                long[] myFailed = failed[c];
                futures.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    try (KeepAliveClient kept = new KeepAliveClient(port, host)) {
                        while (System.nanoTime() < end) {
                            long t = System.nanoTime();
                            boolean ok;
                            try {
                                ok = mode == Connections.KEEP_ALIVE
                                        ? kept.get()
                                        : get(port, host).startsWith("HTTP/1.1 200");
                            } catch (IOException e) {
                                ok = false;
                            }
                            if (!ok) {
                                myFailed[0]++;
                                continue;
                            }
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = System.nanoTime() - t;
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            for (int c = 0; c < clients; c++) {
                try {
                    long[] l = futures.get(c).get();
                    runs.add(l);
                    counts[0] += l.length;
                    counts[1] += failed[c][0];
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a load client failed", e.getCause());
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long[] concat(List<long[]> runs) {
        return runs.stream().flatMapToLong(Arrays::stream).toArray();
    }

    /** One {@code GET /} with {@code Host: host} on a new connection; the whole answer. */
    private static String get(int port, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A client that keeps its connection open between requests ({@code GET /} without {@code Connection: close}), as
     * browsers and HTTP libraries do: it reads each answer by its {@code Content-Length}, and opens a new connection
     * when the server said it closes, or when a kept connection turns out closed before a byte of the answer came (a
     * retry, as those clients make).
     */
    static final class KeepAliveClient implements AutoCloseable {
        private static final int MAX_HEAD = 16 * 1024;
        private static final int MAX_BODY = 64 * 1024;
        private final int port;
        private final byte[] request;
        private Socket socket;
        private InputStream in;
        private long opened;

        KeepAliveClient(int port, String host) {
            this.port = port;
            this.request = ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** Connections this client opened so far. */
        long opened() {
            return opened;
        }

        /** One {@code GET /}; whether it was a {@code 200} with the benchmark's page. */
        boolean get() throws IOException {
            boolean reused = socket != null;
            try {
                return exchange();
            } catch (Stale e) {
                close();
                if (!reused) {
                    throw e;
                }
                return exchange();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        /** A kept connection found closed before a byte of the answer came: the request may go again. */
        private static final class Stale extends IOException {
            Stale(String message) {
                super(message);
            }
        }

        private boolean exchange() throws IOException {
            if (socket == null) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
                    s.setSoTimeout(READ_TIMEOUT_MS);
                    s.setTcpNoDelay(true);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                socket = s;
                in = new java.io.BufferedInputStream(s.getInputStream());
                opened++;
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            } catch (java.net.SocketException e) {
                throw new Stale("the connection was closed: " + e.getMessage());
            }
            String head = readHead();
            int status = head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? parseStatus(head) : -1;
            long length = -1;
            boolean closes = head.startsWith("HTTP/1.0");
            for (String line : head.split("\r\n", -1)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("a bad Content-Length: " + value);
                    }
                } else if (name.equalsIgnoreCase("connection")
                        && value.toLowerCase(java.util.Locale.ROOT).contains("close")) {
                    closes = true;
                }
            }
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("an answer without a usable Content-Length: "
                        + head.lines().findFirst());
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new IOException("the answer's body ended early");
            }
            if (closes) {
                close();
            }
            return status == 200 && new String(body, StandardCharsets.ISO_8859_1).contains(PAGE);
        }

        private static int parseStatus(String head) {
            try {
                return Integer.parseInt(head.substring(9, 12));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** The status line and headers, up to the empty line. */
        private String readHead() throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketException e) {
                throw new Stale("the connection was reset: " + e.getMessage());
            }
            if (b < 0) {
                throw new Stale("the connection was closed before the answer");
            }
            for (; b >= 0; b = in.read()) {
                head.append((char) b);
                int n = head.length();
                if (n >= 4
                        && head.charAt(n - 1) == '\n'
                        && head.charAt(n - 2) == '\r'
                        && head.charAt(n - 3) == '\n'
                        && head.charAt(n - 4) == '\r') {
                    return head.toString();
                }
                if (n > MAX_HEAD) {
                    throw new IOException("an answer's head over " + MAX_HEAD + " bytes");
                }
            }
            throw new IOException("the connection closed before the answer's head ended");
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing a finished client's socket: nothing to undo.
                }
                socket = null;
                in = null;
            }
        }
    }
}

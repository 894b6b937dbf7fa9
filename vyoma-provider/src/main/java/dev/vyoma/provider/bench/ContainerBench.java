package dev.vyoma.provider.bench;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
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
 * port, then through the ingress, in alternating rounds so that both see the same machine.
 */
public final class ContainerBench {
    /** What to run. */
    public record Settings(String image, int leases, int concurrency, Duration load, int rounds) {
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

    /**
     * Manifest → URL over the leases; the two loads; ingress throughput over direct. {@code owner}: the provider name
     * the benchmark's engine objects were labelled with.
     */
    public record Result(String owner, Percentiles manifestToUrl, Load direct, Load ingress) {
        public double throughputRatio() {
            return direct.perSecond() == 0 ? 0 : ingress.perSecond() / direct.perSecond();
        }
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
                    String host = ingress.hostFor(LeaseManager.ingressId(lease, "web"));
                    long t0 = System.nanoTime();
                    manager.deploy(lease, group);
                    awaitPage(ingress.port(), host, t0, () -> problem(manager, lease));
                    starts[i] = System.nanoTime() - t0;
                    progress.accept("lease " + (i + 1) + "/" + settings.leases() + ": URL answered "
                            + Math.round(starts[i] / 1e6) + " ms after its manifest");
                }
                String first = leases.get(0);
                int direct = runtime.status(first).replicas().get(0).ports().get(80);
                String host = ingress.hostFor(LeaseManager.ingressId(first, "web"));
                List<long[]> directRuns = new ArrayList<>();
                List<long[]> ingressRuns = new ArrayList<>();
                Duration slice = settings.load().dividedBy(settings.rounds());
                long[] directCounts = new long[2];
                long[] ingressCounts = new long[2];
                double directSeconds = 0;
                double ingressSeconds = 0;
                for (int round = 0; round < settings.rounds(); round++) {
                    progress.accept("load round " + (round + 1) + "/" + settings.rounds() + ": "
                            + settings.concurrency() + " clients, " + slice.toMillis() + " ms direct, then through the"
                            + " ingress");
                    directSeconds += load(direct, "127.0.0.1", settings.concurrency(), slice, directRuns, directCounts);
                    ingressSeconds +=
                            load(ingress.port(), host, settings.concurrency(), slice, ingressRuns, ingressCounts);
                }
                return new Result(
                        owner,
                        Percentiles.of(starts),
                        new Load(directCounts[0], directCounts[1], directSeconds, Percentiles.of(concat(directRuns))),
                        new Load(
                                ingressCounts[0],
                                ingressCounts[1],
                                ingressSeconds,
                                Percentiles.of(concat(ingressRuns))));
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
    private static double load(int port, String host, int clients, Duration time, List<long[]> runs, long[] counts)
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
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        boolean ok;
                        try {
                            ok = get(port, host).startsWith("HTTP/1.1 200");
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
}

package dev.vyoma.inference.bench;

import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's cost, measured against the worker it routes to, in the same run: the latency of a one-token
 * completion called directly and through the gateway (interleaved, so both see the same machine), p50 and p99
 * and the difference; the requests per second each sustains with concurrent clients; and the worker's own
 * generation speed in tokens per second. Everything the gateway does per request is in its figures: the key,
 * the rate limit, the balance reservation, routing, relaying and metering.
 */
public final class InferenceBench {
    /** How much to measure. */
    public record Plan(int warmup, int samples, int clients, Duration throughputFor, int tokensPerGeneration) {}

    /** Percentiles of one series, in milliseconds. */
    public record Latency(double p50Ms, double p99Ms, double meanMs) {}

    /** What was measured. */
    public record Result(
            Latency direct,
            Latency gateway,
            double addedP50Ms,
            double addedP99Ms,
            double directRequestsPerSecond,
            double gatewayRequestsPerSecond,
            double workerTokensPerSecond,
            long gatewayRequests,
            int errors) {
        /** Gateway throughput over direct throughput. */
        public double throughputRatio() {
            return gatewayRequestsPerSecond / directRequestsPerSecond;
        }

        /** Gateway p50 over direct p50. */
        public double latencyRatioP50() {
            return gateway.p50Ms() / direct.p50Ms();
        }

        /** The figures as one JSON-ready map. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("direct_p50_ms", round(direct.p50Ms()));
            m.put("direct_p99_ms", round(direct.p99Ms()));
            m.put("gateway_p50_ms", round(gateway.p50Ms()));
            m.put("gateway_p99_ms", round(gateway.p99Ms()));
            m.put("added_p50_ms", round(addedP50Ms));
            m.put("added_p99_ms", round(addedP99Ms));
            m.put("latency_ratio_p50", round(latencyRatioP50()));
            m.put("direct_requests_per_s", round(directRequestsPerSecond));
            m.put("gateway_requests_per_s", round(gatewayRequestsPerSecond));
            m.put("throughput_ratio", round(throughputRatio()));
            m.put("worker_tokens_per_s_cpu", round(workerTokensPerSecond));
            m.put("gateway_requests", gatewayRequests);
            m.put("errors", errors);
            return m;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String directUrl;
    private final String gatewayUrl;
    private final String directAuthorization;
    private final String gatewayAuthorization;
    private final String model;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong gatewayOk = new AtomicLong();

    /**
     * Measures the worker at {@code directUrl} (called with its gateway's {@code workerSecret}, as the gateway
     * calls it) against the gateway at {@code gatewayUrl} (called with {@code apiKey}).
     */
    public InferenceBench(String directUrl, WorkerSecret workerSecret, String gatewayUrl, String apiKey, String model) {
        this.directUrl = directUrl;
        this.gatewayUrl = gatewayUrl;
        this.directAuthorization = workerSecret.authorization();
        this.gatewayAuthorization = "Bearer " + apiKey;
        this.model = model;
    }

    private String body(int maxTokens) {
        return "{\"model\":\"" + model + "\",\"prompt\":\"bench\",\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true}";
    }

    /** One completion with {@code authorization}; its wall time in nanoseconds, or -1 on an error. */
    private long call(String base, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            long t = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                errors.incrementAndGet();
                return -1;
            }
            if (authorization.equals(gatewayAuthorization)) {
                gatewayOk.incrementAndGet();
            }
            return t;
        } catch (Exception e) {
            errors.incrementAndGet();
            return -1;
        }
    }

    /** Runs the plan. */
    public Result run(Plan plan) throws Exception {
        String one = body(1);
        for (int i = 0; i < plan.warmup(); i++) {
            call(directUrl, directAuthorization, one);
            call(gatewayUrl, gatewayAuthorization, one);
        }
        List<Long> direct = new ArrayList<>();
        List<Long> gateway = new ArrayList<>();
        for (int i = 0; i < plan.samples(); i++) {
            // Alternate which goes first, so neither always finds the worker warm.
            if (i % 2 == 0) {
                add(direct, call(directUrl, directAuthorization, one));
                add(gateway, call(gatewayUrl, gatewayAuthorization, one));
            } else {
                add(gateway, call(gatewayUrl, gatewayAuthorization, one));
                add(direct, call(directUrl, directAuthorization, one));
            }
        }
        Latency d = latency(direct);
        Latency g = latency(gateway);
        // Two rounds each, alternating (direct, gateway, gateway, direct), so that neither path always runs on
        // a colder or a busier machine.
        Duration half = plan.throughputFor().dividedBy(2);
        double[] directRuns = new double[2];
        double[] gatewayRuns = new double[2];
        directRuns[0] = throughput(directUrl, directAuthorization, one, plan.clients(), half);
        gatewayRuns[0] = throughput(gatewayUrl, gatewayAuthorization, one, plan.clients(), half);
        gatewayRuns[1] = throughput(gatewayUrl, gatewayAuthorization, one, plan.clients(), half);
        directRuns[1] = throughput(directUrl, directAuthorization, one, plan.clients(), half);
        double directRps = (directRuns[0] + directRuns[1]) / 2;
        double gatewayRps = (gatewayRuns[0] + gatewayRuns[1]) / 2;
        double tokensPerSecond = tokensPerSecond(plan.tokensPerGeneration());
        return new Result(
                d,
                g,
                g.p50Ms() - d.p50Ms(),
                g.p99Ms() - d.p99Ms(),
                directRps,
                gatewayRps,
                tokensPerSecond,
                gatewayOk.get(),
                (int) errors.get());
    }

    private static void add(List<Long> into, long nanos) {
        if (nanos >= 0) {
            into.add(nanos);
        }
    }

    private static Latency latency(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return new Latency(Double.NaN, Double.NaN, Double.NaN);
        }
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Latency(
                percentile(s, 0.50) / 1e6,
                percentile(s, 0.99) / 1e6,
                Arrays.stream(s).average().orElse(0) / 1e6);
    }

    private static double percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private double throughput(String base, String authorization, String body, int clients, Duration time)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    if (call(base, authorization, body) >= 0) {
                        done.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(time.toMillis());
        stop.set(true);
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return done.get() / seconds;
    }

    private double tokensPerSecond(int tokens) throws Exception {
        long totalTokens = 0;
        long nanos = 0;
        for (int i = 0; i < 3; i++) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(directUrl + "/v1/completions"))
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .header("Authorization", directAuthorization)
                    .POST(HttpRequest.BodyPublishers.ofString(body(tokens)))
                    .build();
            long t0 = System.nanoTime();
            HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
            nanos += System.nanoTime() - t0;
            JsonNode u = Json.MAPPER.readTree(res.body()).path("usage");
            totalTokens += u.path("completion_tokens").asLong();
        }
        return totalTokens / (nanos / 1e9);
    }
}

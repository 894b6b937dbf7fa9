package dev.vyoma.node.bench;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A load test of a local network: {@code validators} node processes on loopback, and {@code accounts}
 * clients, each with one transaction in flight at a time ({@code POST /v1/txs?wait=commit}, spread over
 * the validators), for a warm-up and then a measured period. It reports committed transactions per second
 * and the commit latency (submit to answer) at p50, p99 and max over the measured period.
 */
public final class NodeBench {
    /** What one run measured. */
    public record Result(
            int validators,
            long blockIntervalMillis,
            int accounts,
            double seconds,
            long committed,
            long failed,
            double txPerSecond,
            double p50Millis,
            double p99Millis,
            double maxMillis,
            long blocks) {}

    private NodeBench() {}

    /** Runs the load against a fresh network in {@code dir}; {@code progress} hears what happens. */
    public static Result run(
            Path dir,
            int validators,
            int accounts,
            Duration blockInterval,
            Duration warmup,
            Duration measure,
            List<String> nodeJvmOptions,
            Consumer<String> progress)
            throws IOException, InterruptedException {
        List<KeyPair> keys = new ArrayList<>();
        List<Genesis.Allocation> funded = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            KeyPair k = KeyPair.fromSeed(Arrays.copyOf(("bench:" + i).getBytes(StandardCharsets.UTF_8), 32));
            keys.add(k);
            funded.add(new Genesis.Allocation(
                    k.address(), List.of(new Coin("uusd", 1L << 40), new Coin("uvyo", 1L << 40))));
        }
        String chainId = "vyoma-bench";
        Genesis genesis = new Genesis(chainId, System.currentTimeMillis(), Params.defaults(), funded);
        List<Integer> ports = LocalPorts.free(2 * validators);
        List<NodeHome> homes = NodeHome.testnet(
                dir,
                "127.0.0.1",
                ports.subList(0, validators),
                ports.subList(validators, 2 * validators),
                genesis,
                blockInterval.toMillis());
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (NodeHome h : homes) {
                nodes.add(new NodeProcess(h.dir(), nodeJvmOptions).start());
            }
            List<URI> apis = new ArrayList<>();
            for (int i = 0; i < validators; i++) {
                apis.add(
                        URI.create("http://127.0.0.1:" + ports.get(validators + i) + "/v1/txs?wait=commit&timeout=60"));
            }
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            awaitHeight(http, ports.get(validators), 2);
            progress.accept(validators + " validator(s) up; " + accounts + " clients start");

            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + measure.toNanos();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicLong committed = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                loops.add(loop(
                        http,
                        apis.get(a % validators),
                        keys.get(a),
                        chainId,
                        0,
                        end,
                        measureFrom,
                        latencies,
                        committed,
                        failed));
            }
            while (System.nanoTime() < measureFrom) {
                Thread.sleep(50);
            }
            long heightAtStart = height(http, ports.get(validators));
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new))
                    .get(measure.toSeconds() + 120, TimeUnit.SECONDS);
            long heightAtEnd = height(http, ports.get(validators));
            double seconds = measure.toNanos() / 1e9;
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(
                    validators,
                    blockInterval.toMillis(),
                    accounts,
                    seconds,
                    committed.get(),
                    failed.get(),
                    committed.get() / seconds,
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6,
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
                    heightAtEnd - heightAtStart);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the load did not finish: " + e, e);
        } finally {
            for (NodeProcess n : nodes) {
                n.terminate();
            }
        }
    }

    /** One client: sends its next transaction when the last one is answered, until {@code end}. */
    private static CompletableFuture<Void> loop(
            HttpClient http,
            URI api,
            KeyPair key,
            String chainId,
            long sequence,
            long end,
            long measureFrom,
            ConcurrentLinkedQueue<Long> latencies,
            AtomicLong committed,
            AtomicLong failed) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        Tx tx = new Tx(
                chainId,
                key.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(key.address(), SINK.address(), new Coin("uusd", 1))),
                "");
        SignedTx signed = new SignedTx(tx, Ed25519.sign(key.privateKey(), tx.signBytes()));
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(signed.encode()) + "\"}";
        HttpRequest request = HttpRequest.newBuilder(api)
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long sent = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((r, error) ->
                        error == null && r.statusCode() == 200 && r.body().contains("\"ok\":true"))
                .thenCompose(ok -> {
                    long done = System.nanoTime();
                    if (sent >= measureFrom && done <= end) {
                        if (ok) {
                            committed.incrementAndGet();
                            latencies.add(done - sent);
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                    // Anything but a commit leaves the sequence where it was: the next try uses it again.
                    long next = ok ? sequence + 1 : sequence;
                    return loop(http, api, key, chainId, next, end, measureFrom, latencies, committed, failed);
                });
    }

    private static final KeyPair SINK =
            KeyPair.fromSeed(Arrays.copyOf("bench:sink".getBytes(StandardCharsets.UTF_8), 32));

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long height(HttpClient http, int apiPort) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/status"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String b = r.body();
            int i = b.indexOf("\"height\":");
            return Long.parseLong(b.substring(i + 9, b.indexOf(',', i)));
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void awaitHeight(HttpClient http, int apiPort, long height)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (height(http, apiPort) < height) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the network made no blocks within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Deletes a benchmark's directory afterwards. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

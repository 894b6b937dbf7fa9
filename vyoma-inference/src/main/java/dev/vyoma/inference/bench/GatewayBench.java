package dev.vyoma.inference.bench;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.inference.gateway.GatewayDaemon;
import dev.vyoma.inference.gateway.InferenceGateway;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.inference.gateway.ModelOffer;
import dev.vyoma.inference.model.TinyGguf;
import dev.vyoma.inference.worker.LlamaEngine;
import dev.vyoma.inference.worker.WorkerServer;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@link InferenceBench} on a chain of its own: one validator producing a block every 200 ms, a worker serving the
 * model, a gateway routed to that worker, an inference account and an API key for a user; then every request
 * the gateway answered is settled and counted on the ledger.
 */
public final class GatewayBench {
    /** The model id the worker serves and the gateway offers. */
    static final String MODEL = "tiny";

    /** Tokens of context per sequence in the worker. */
    static final int CONTEXT_TOKENS = 256;

    /** Sequences the worker generates at once. */
    static final int SLOTS = 2;

    private GatewayBench() {}

    /** What was measured, and what the ledger charged for the requests through the gateway. */
    public record Outcome(InferenceBench.Result result, long requestsCharged, long batches) {}

    /** The bench could not set up its account or key; the message says which step failed. */
    public static final class SetupFailed extends RuntimeException {
        SetupFailed(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code plan} in {@code dir} (the node's data, the gateway's keys and usage, and the tiny model when
     * {@code model} is null) with a worker of {@code threads} CPU threads.
     */
    public static Outcome run(Path dir, Path model, int threads, InferenceBench.Plan plan) throws Exception {
        Path file = model != null ? model : TinyGguf.write(dir.resolve("tiny.gguf"), 42);
        NamedKeys keys = new NamedKeys("bench");
        KeyPair gatewayKey = keys.key("gateway");
        KeyPair user = keys.key("user");
        List<Coin> coins = List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000L));
        Genesis genesis = new Genesis(
                "vyoma-bench-1",
                1_700_000_000_000L,
                Params.defaults(),
                List.of(
                        new Genesis.Allocation(gatewayKey.address(), coins),
                        new Genesis.Allocation(user.address(), coins)));
        int raft;
        try (ServerSocket s = new ServerSocket(0)) {
            raft = s.getLocalPort();
        }
        WorkerSecret workerSecret = WorkerSecret.random(new SecureRandom());
        try (Node node = Node.start(new Node.Config(
                        dir.resolve("node"),
                        "n0",
                        List.of(new Node.Peer("n0", "127.0.0.1:" + raft)),
                        genesis,
                        user.address(),
                        Duration.ofMillis(200),
                        1_000,
                        100,
                        Mempool.Limits.defaults()));
                Api api = Api.start(node, "127.0.0.1", 0);
                LlamaEngine engine = new LlamaEngine(file, CONTEXT_TOKENS, SLOTS, threads);
                WorkerServer worker =
                        WorkerServer.start(engine, MODEL, Clock.systemUTC(), "127.0.0.1", 0, workerSecret)) {
            while (!node.isLeader()) {
                Thread.sleep(50);
            }
            VyomaClient chain = new VyomaClient("http://127.0.0.1:" + api.port());
            String workerUrl = "http://127.0.0.1:" + worker.port();
            InferenceGateway g = GatewayDaemon.start(
                    chain,
                    gatewayKey,
                    dir.resolve("gateway"),
                    new GatewayDaemon.Settings(
                            List.of(new ModelOffer(
                                    MODEL, "vyoma/inference-worker:tiny", 200_000, 1_000_000, CONTEXT_TOKENS, 0, 1)),
                            Map.of(MODEL, List.of(workerUrl)),
                            workerSecret,
                            // A gateway of its own for the measurement: its one key may go as fast as the worker.
                            new KeyLimits(
                                    KeyLimits.DEFAULT_REQUESTS_PER_MINUTE,
                                    KeyLimits.DEFAULT_MAX_CONCURRENT,
                                    100_000_000,
                                    1024),
                            Duration.ofSeconds(5),
                            new Coin("uusd", 5_000_000),
                            1_000),
                    "127.0.0.1",
                    0,
                    line -> {});
            try {
                VyomaClient.TxOutcome o = chain.broadcast(
                        chain.sign(
                                user,
                                List.of(new Msg.OpenInferenceAccount(
                                        user.address(), gatewayKey.address(), new Coin("uusd", 100_000_000_000L))),
                                ""),
                        true);
                if (!o.ok()) {
                    throw new SetupFailed("opening the bench account failed: " + o.log());
                }
                HttpResponse<String> k = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/keys"))
                                        .header(
                                                "Authorization",
                                                "Bearer "
                                                        + LeaseToken.create(
                                                                user,
                                                                gatewayKey.address(),
                                                                InferenceGateway.KEYS_SCOPE,
                                                                Duration.ofMinutes(1),
                                                                Instant.now()))
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                "{\"requests_per_minute\":100000000,\"max_concurrent\":1024}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                String apiKey = Json.MAPPER.readTree(k.body()).path("key").asString();
                InferenceBench.Result r = new InferenceBench(
                                workerUrl, workerSecret, "http://127.0.0.1:" + g.port(), apiKey, MODEL)
                        .run(plan);
                g.settleNow();
                long charged = 0;
                long batches = 0;
                for (JsonNode c : chain.getJson(
                                "/v1/inference/charges/" + user.address() + "/" + gatewayKey.address() + "?limit=1000")
                        .orElseThrow()
                        .path("items")) {
                    charged += c.path("requests").asLong();
                    batches++;
                }
                return new Outcome(r, charged, batches);
            } finally {
                g.close();
            }
        }
    }
}

package dev.vyoma.inference;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.inference.gateway.ApiKeys;
import dev.vyoma.inference.gateway.Billing;
import dev.vyoma.inference.gateway.InferenceGateway;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.inference.gateway.MarketLeaser;
import dev.vyoma.inference.gateway.ModelOffer;
import dev.vyoma.inference.gateway.UsageLog;
import dev.vyoma.inference.worker.LlamaEngine;
import dev.vyoma.inference.worker.WorkerServer;
import dev.vyoma.ledger.crypto.KeyPair;
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

/** A gateway in front of an in-process worker on the tiny model, on a real chain; builders for keys. */
public final class GatewayHarness implements AutoCloseable {
    /** Odd prices so that remainders are carried: micro-uusd per million tokens. */
    public static final long IN_PRICE = 123_457;

    public static final long OUT_PRICE = 987_651;

    public final LlamaEngine engine;
    public final WorkerServer worker;
    public final InferenceGateway gateway;
    public final UsageLog log;
    public final String base;
    public final KeyPair gatewayKey;

    /** The in-process worker's secret, which the gateway sends it (null with a leaser). */
    public final WorkerSecret workerSecret;

    public GatewayHarness(TestChain chain, Path dir, KeyPair gatewayKey, MarketLeaser leaser, List<ModelOffer> offers)
            throws Exception {
        this(chain, dir, gatewayKey, leaser, offers, 0);
    }

    /** With an in-process worker (no leaser) that streams at most a token per {@code paceMs}. */
    public GatewayHarness(
            TestChain chain, Path dir, KeyPair gatewayKey, MarketLeaser leaser, List<ModelOffer> offers, long paceMs)
            throws Exception {
        this(chain, dir, gatewayKey, leaser, offers, paceMs, KeyLimits.DEFAULTS, ApiKeys.MAX_KEYS);
    }

    /** As the others, with the keys' limits and the most keys the gateway keeps given. */
    public GatewayHarness(
            TestChain chain,
            Path dir,
            KeyPair gatewayKey,
            MarketLeaser leaser,
            List<ModelOffer> offers,
            long paceMs,
            KeyLimits keyLimits,
            int maxKeys)
            throws Exception {
        this.gatewayKey = gatewayKey;
        engine = leaser == null ? new LlamaEngine(TestModels.tiny(), 256, 2, 2) : null;
        workerSecret = engine == null ? null : WorkerSecret.random(new SecureRandom());
        worker = engine == null
                ? null
                : WorkerServer.start(engine, "tiny", Clock.systemUTC(), "127.0.0.1", 0, paceMs, workerSecret);
        log = new UsageLog(dir.resolve("usage.jsonl"));
        Billing billing = new Billing(chain.client, gatewayKey, log, line -> {});
        ApiKeys keys = new ApiKeys(dir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom(), maxKeys);
        InferenceGateway.Config config = new InferenceGateway.Config(
                offers,
                worker == null ? Map.of() : Map.of("tiny", List.of("http://127.0.0.1:" + worker.port())),
                workerSecret,
                Duration.ofHours(1),
                4,
                5_000,
                Duration.ofSeconds(5),
                Duration.ofMinutes(10),
                keyLimits);
        gateway = InferenceGateway.start(
                config,
                billing,
                keys,
                leaser,
                Clock.systemUTC(),
                line -> System.out.println("gateway: " + line),
                "127.0.0.1",
                0);
        base = "http://127.0.0.1:" + gateway.port();
    }

    /** The health URL of the gateway's {@code i}-th replica of the tiny model. */
    public String replicaHealth(int i) {
        return gateway.replicas("tiny").get(i).baseUrl() + "/health";
    }

    /** The tiny model at the test prices, served by the in-process worker. */
    public static ModelOffer tinyOffer(int min, int max) {
        return new ModelOffer("tiny", "vyoma/inference-worker:tiny", IN_PRICE, OUT_PRICE, 256, min, max);
    }

    /** A request to the key endpoints signed by {@code owner}. */
    public HttpResponse<String> keys(KeyPair owner, String method, String path, String body) throws Exception {
        String token = LeaseToken.create(
                owner, gatewayKey.address(), InferenceGateway.KEYS_SCOPE, Duration.ofMinutes(1), Instant.now());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token of the gateway's own key for the operator's endpoints. */
    public String operatorToken() {
        return LeaseToken.create(
                gatewayKey,
                gatewayKey.address(),
                InferenceGateway.OPERATOR_SCOPE,
                Duration.ofMinutes(1),
                Instant.now());
    }

    /** A new API key of {@code owner} (through the endpoint). */
    public String newKey(KeyPair owner, String body) throws Exception {
        HttpResponse<String> r = keys(owner, "POST", "/v1/keys", body == null ? "{}" : body);
        if (r.statusCode() != 201) {
            throw new AssertionError("key creation answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("key").asString();
    }

    @Override
    public void close() {
        gateway.close();
        log.close();
        if (worker != null) {
            worker.close();
            engine.close();
        }
    }
}

package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Workers run on providers' machines, which the gateway does not control: one that reports a million tokens for
 * a request of a few is charged no more than the request could have used, and one that answers with something
 * that is not an answer (not JSON, a refusal that is not an error object or is too long, a stream line without
 * end, counts that are not numbers) fails that request with a 502, never a 500, and charges nothing.
 */
class HostileWorkerTest {
    @TempDir
    Path dir;

    @Test
    void reportedUsageBeyondTheRequestsBoundIsNotCharged() throws Exception {
        // Someone else's worker: answers health checks, and every completion with a made-up usage.
        HttpServer liar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        liar.createContext("/health", x -> {
            byte[] b = "{\"status\":\"ok\",\"queued\":0}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        liar.createContext("/v1/completions", x -> {
            x.getRequestBody().readAllBytes();
            byte[] b =
                    ("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"model\":\"tiny\",\"choices\":"
                                    + "[{\"index\":0,\"text\":\"hi\",\"logprobs\":null,\"finish_reason\":\"length\"}],"
                                    + "\"usage\":{\"prompt_tokens\":1000000,\"completion_tokens\":1000000,\"total_tokens\":2000000}}")
                            .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        liar.start();
        try (TestChain chain = new TestChain(dir, "vyoma-hostile-test", "gateway", "alice")) {
            KeyPair gatewayKey = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            chain.commit(
                    alice,
                    new Msg.OpenInferenceAccount(alice.address(), gatewayKey.address(), new Coin("uusd", 1_000)));
            ModelOffer offer = new ModelOffer("tiny", "vyoma/inference-worker:tiny", 1_000_000, 1_000_000, 256, 0, 1);
            try (UsageLog log = new UsageLog(dir.resolve("usage.jsonl"))) {
                ApiKeys keys = new ApiKeys(dir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom());
                String key = keys.create(alice.address(), KeyName.NONE, 600, 16).secret();
                InferenceGateway g = InferenceGateway.start(
                        new InferenceGateway.Config(
                                List.of(offer),
                                Map.of(
                                        "tiny",
                                        List.of("http://127.0.0.1:"
                                                + liar.getAddress().getPort())),
                                WorkerSecret.random(new SecureRandom()),
                                Duration.ofHours(1),
                                4,
                                5_000,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(10),
                                KeyLimits.DEFAULTS),
                        new Billing(chain.client, gatewayKey, log, line -> {}),
                        keys,
                        null,
                        Clock.systemUTC(),
                        line -> {},
                        "127.0.0.1",
                        0);
                try {
                    String prompt = "hello";
                    Http.Reply r = Http.post(
                            "http://127.0.0.1:" + g.port() + "/v1/completions",
                            key,
                            "{\"model\":\"tiny\",\"prompt\":\"" + prompt + "\",\"max_tokens\":4}");
                    assertThat(r.status()).isEqualTo(200);
                    g.settleNow();
                    JsonNode charge = chain.client
                            .getJson("/v1/inference/charges/" + alice.address() + "/" + gatewayKey.address())
                            .orElseThrow()
                            .path("items")
                            .get(0);
                    long promptBound = new dev.vyoma.inference.api.CompletionRequest(
                                    false, "tiny", List.of(), prompt, 4, 1, 1, null, List.of(), false, false)
                            .promptTokensBound();
                    assertThat(charge.path("inputTokens").asLong()).isEqualTo(promptBound);
                    assertThat(charge.path("outputTokens").asLong()).isEqualTo(4);
                    assertThat(charge.path("paid").asLong()).isEqualTo(promptBound + 4);
                } finally {
                    g.close();
                }
            }
        } finally {
            liar.stop(0);
        }
    }

    @Test
    void answersThatAreNotAnswersAreTheWorkersFailureNeitherA500NorACharge() throws Exception {
        // A worker that answers each prompt with something other than an answer.
        HttpServer broken = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broken.createContext("/health", x -> {
            byte[] b = "{\"status\":\"ok\",\"queued\":0}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        broken.createContext("/v1/completions", x -> {
            String prompt = Json.MAPPER
                    .readTree(x.getRequestBody().readAllBytes())
                    .path("prompt")
                    .asString();
            int status = 200;
            String body = switch (prompt) {
                case "not json" -> "this is not JSON";
                case "teapot" -> {
                    status = 418;
                    yield "<html>a teapot</html>";
                }
                case "huge refusal" -> {
                    status = 400;
                    yield "{\"error\":{\"message\":\"" + "x".repeat(WorkerRelay.MAX_WORKER_ERROR_BYTES) + "\"}}";
                }
                case "long line" ->
                    ": prompt_tokens=abc\n\ndata: {\"choices\":[{\"text\":\""
                            + "x".repeat(WorkerRelay.MAX_WORKER_STREAM_LINE_BYTES + 1) + "\"}]}\n\n";
                default -> ": prompt_tokens=1e99\n\ndata: {\"usage\": not json}\n\ndata: [DONE]\n\n";
            };
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        broken.start();
        try (TestChain chain = new TestChain(dir, "vyoma-broken-worker-test", "gateway", "alice")) {
            KeyPair gatewayKey = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            chain.commit(
                    alice,
                    new Msg.OpenInferenceAccount(alice.address(), gatewayKey.address(), new Coin("uusd", 1_000)));
            ModelOffer offer = new ModelOffer("tiny", "vyoma/inference-worker:tiny", 1_000_000, 1_000_000, 256, 0, 1);
            try (UsageLog log = new UsageLog(dir.resolve("usage.jsonl"))) {
                ApiKeys keys = new ApiKeys(dir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom());
                String key = keys.create(alice.address(), KeyName.NONE, 600, 16).secret();
                InferenceGateway g = InferenceGateway.start(
                        new InferenceGateway.Config(
                                List.of(offer),
                                Map.of(
                                        "tiny",
                                        List.of("http://127.0.0.1:"
                                                + broken.getAddress().getPort())),
                                WorkerSecret.random(new SecureRandom()),
                                Duration.ofHours(1),
                                4,
                                5_000,
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(10),
                                KeyLimits.DEFAULTS),
                        new Billing(chain.client, gatewayKey, log, line -> {}),
                        keys,
                        null,
                        Clock.systemUTC(),
                        line -> {},
                        "127.0.0.1",
                        0);
                String url = "http://127.0.0.1:" + g.port() + "/v1/completions";
                try {
                    for (String prompt : List.of("not json", "teapot", "huge refusal")) {
                        // Each failure marks the worker; the supervisor's next health check brings it back.
                        org.awaitility.Awaitility.await()
                                .atMost(Duration.ofSeconds(10))
                                .until(() -> g.replicas("tiny").get(0).healthy());
                        Http.Reply r = Http.post(
                                url, key, "{\"model\":\"tiny\",\"prompt\":\"" + prompt + "\",\"max_tokens\":4}");
                        assertThat(r.status()).as(prompt).isEqualTo(502);
                        assertThat(r.body().path("error").path("message").asString())
                                .contains("not charged");
                    }
                    for (String prompt : List.of("long line", "bad usage")) {
                        org.awaitility.Awaitility.await()
                                .atMost(Duration.ofSeconds(10))
                                .until(() -> g.replicas("tiny").get(0).healthy());
                        List<String> data = Http.stream(
                                url,
                                key,
                                "{\"model\":\"tiny\",\"prompt\":\"" + prompt + "\",\"max_tokens\":4,\"stream\":true}");
                        assertThat(data.getLast()).as(prompt).contains("not charged");
                    }
                    assertThat(g.settleNow()).as("nothing to charge").isZero();
                    assertThat(chain.client
                                    .getJson("/v1/inference/charges/" + alice.address() + "/" + gatewayKey.address())
                                    .map(c -> c.path("items").size())
                                    .orElse(0))
                            .isZero();
                } finally {
                    g.close();
                }
            }
        } finally {
            broken.stop(0);
        }
    }
}

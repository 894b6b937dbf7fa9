package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestChain;
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
 * a request of a few is charged no more than the request could have used.
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
            KeyPair gatewayKey = TestChain.key("gateway");
            KeyPair alice = TestChain.key("alice");
            chain.commit(
                    alice,
                    new Msg.OpenInferenceAccount(alice.address(), gatewayKey.address(), new Coin("uusd", 1_000)));
            ModelOffer offer = new ModelOffer("tiny", "vyoma/inference-worker:tiny", 1_000_000, 1_000_000, 256, 0, 1);
            try (UsageLog log = new UsageLog(dir.resolve("usage.jsonl"))) {
                ApiKeys keys = new ApiKeys(dir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom());
                String key = keys.create(alice.address(), "", 600, 16).secret();
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
                                600,
                                16),
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
}

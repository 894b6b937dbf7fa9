package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestChain;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A client that leaves in the middle of a stream pays for the prompt and the tokens that reached it, exactly,
 * and the worker stops generating.
 */
class ClientDisconnectTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatLeavesMidStreamPaysForWhatItReceived() throws Exception {
        try (TestChain chain = new TestChain(dir, "vyoma-disconnect-test", "gateway", "alice")) {
            KeyPair gateway = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            try (GatewayHarness h = new GatewayHarness(
                    chain, dir.resolve("gw"), gateway, null, List.of(GatewayHarness.tinyOffer(0, 1)), 20)) {
                chain.commit(
                        alice,
                        new Msg.OpenInferenceAccount(alice.address(), gateway.address(), new Coin("uusd", 10_000)));
                String key = h.newKey(alice, null);
                HttpResponse<InputStream> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(h.base + "/v1/completions"))
                                        .header("Authorization", "Bearer " + key)
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"model\":\"tiny\",\"prompt\":\"go on\",\"max_tokens\":200,\"ignore_eos\":true,\"stream\":true}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
                int received = 0;
                String line;
                while (received < 10 && (line = in.readLine()) != null) {
                    assertThat(line).as("the gateway keeps its notes to itself").doesNotStartWith(":");
                    if (line.startsWith("data: {")) {
                        received++;
                    }
                }
                r.body().close();

                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> Http.get(h.base + "/v1/usage", key)
                                        .body()
                                        .path("items")
                                        .size()
                                == 1);
                JsonNode record =
                        Http.get(h.base + "/v1/usage", key).body().path("items").get(0);
                long out = record.path("completion_tokens").asLong();
                assertThat(out).as("what was delivered, not all 200").isBetween(10L, 150L);
                long in2 = record.path("prompt_tokens").asLong();
                assertThat(in2).isEqualTo(h.engine.promptTokens("go on"));
                // The worker stopped: it is idle long before 200 tokens at 20 ms would have taken.
                await().atMost(3, TimeUnit.SECONDS)
                        .until(() -> Http.get("http://127.0.0.1:" + h.worker.port() + "/health", null)
                                        .body()
                                        .path("active")
                                        .asInt()
                                == 0);

                assertThat(h.gateway.settleNow()).isPositive();
                long cost = in2 * GatewayHarness.IN_PRICE + out * GatewayHarness.OUT_PRICE;
                JsonNode a = chain.client
                        .getJson("/v1/inference/accounts/" + alice.address() + "/" + gateway.address())
                        .orElseThrow();
                assertThat(a.path("chargedTotal").asLong()).isEqualTo(cost / 1_000_000);
                assertThat(a.path("carryPico").asLong()).isEqualTo(cost % 1_000_000);
            }
        }
    }
}

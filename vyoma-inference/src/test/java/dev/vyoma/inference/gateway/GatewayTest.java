package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.tx.Msg;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway on a real chain and the real llama.cpp worker: exact charges on the ledger, and every kind of bad
 * request refused with an OpenAI error before any work, with nothing charged.
 */
class GatewayTest {
    @TempDir
    static Path dir;

    private static TestChain chain;
    private static GatewayHarness h;
    private static final KeyPair GATEWAY = TestChain.KEYS.key("gateway");

    @BeforeAll
    static void start() throws Exception {
        chain = new TestChain(dir, "vyoma-gateway-test", "gateway", "alice", "bob", "carol", "dave", "erin", "frank");
        h = new GatewayHarness(chain, dir.resolve("gateway"), GATEWAY, null, List.of(GatewayHarness.tinyOffer(0, 1)));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        chain.close();
    }

    private static JsonNode account(KeyPair owner) {
        return chain.client
                .getJson("/v1/inference/accounts/" + owner.address() + "/" + GATEWAY.address())
                .orElseThrow();
    }

    @Test
    void theLedgerChargesExactlyTokensTimesPricesWithTheRemainderCarried() throws Exception {
        KeyPair alice = TestChain.KEYS.key("alice");
        chain.commit(alice, new Msg.OpenInferenceAccount(alice.address(), GATEWAY.address(), new Coin("uusd", 10_000)));
        String key = h.newKey(alice, null);
        long gatewayBefore =
                chain.client.account(GATEWAY.address()).orElseThrow().balance("uusd");
        long tokensIn = 0;
        long tokensOut = 0;
        for (int i = 0; i < 6; i++) {
            boolean chat = i % 2 == 0;
            String body = chat
                    ? "{\"model\":\"tiny\",\"max_tokens\":" + (5 + i)
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}]"
                    : "{\"model\":\"tiny\",\"max_tokens\":" + (5 + i) + ",\"prompt\":\"prompt number " + i + "\"";
            JsonNode usage;
            if (i < 3) {
                Http.Reply r = Http.post(h.base + (chat ? "/v1/chat/completions" : "/v1/completions"), key, body + "}");
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                usage = r.body().path("usage");
            } else {
                List<String> data = Http.stream(
                        h.base + (chat ? "/v1/chat/completions" : "/v1/completions"), key, body + ",\"stream\":true}");
                assertThat(data.getLast()).isEqualTo("[DONE]");
                usage = Json.MAPPER.readTree(data.get(data.size() - 2)).path("usage");
                // One chunk per token, then the finish chunk: the stream finished.
                assertThat(data.size() - 3)
                        .isEqualTo(usage.path("completion_tokens").asInt());
            }
            assertThat(usage.path("completion_tokens").asInt()).isBetween(0, 5 + i);
            tokensIn += usage.path("prompt_tokens").asLong();
            tokensOut += usage.path("completion_tokens").asLong();
        }
        long cost = tokensIn * GatewayHarness.IN_PRICE + tokensOut * GatewayHarness.OUT_PRICE;
        // A streamed answer's usage is written down just after its last chunk has gone out: settle once all six
        // are (a record written later would only go into the next batch).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (h.log.of(alice.address(), 10).size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.log.of(alice.address(), 10)).as("alice's usage records").hasSize(6);
        long batch = h.gateway.settleNow();
        assertThat(batch).isPositive();

        JsonNode a = account(alice);
        assertThat(a.path("chargedTotal").asLong()).isEqualTo(cost / InferenceAccount.PICO_PER_MICRO);
        assertThat(a.path("carryPico").asLong()).isEqualTo(cost % InferenceAccount.PICO_PER_MICRO);
        assertThat(a.path("balance").asLong()).isEqualTo(10_000 - cost / InferenceAccount.PICO_PER_MICRO);
        assertThat(chain.client.account(GATEWAY.address()).orElseThrow().balance("uusd") - gatewayBefore)
                .isEqualTo(cost / InferenceAccount.PICO_PER_MICRO);
        JsonNode charge = chain.client
                .getJson("/v1/inference/charges/" + alice.address() + "/" + GATEWAY.address())
                .orElseThrow()
                .path("items")
                .get(0);
        assertThat(charge.path("inputTokens").asLong()).isEqualTo(tokensIn);
        assertThat(charge.path("outputTokens").asLong()).isEqualTo(tokensOut);
        assertThat(charge.path("requests").asLong()).isEqualTo(6);

        // The per-request records the gateway shows hash to what the ledger holds.
        Http.Reply usage = Http.get(h.base + "/v1/usage", key);
        assertThat(usage.body().path("items").size()).isEqualTo(6);
        assertThat(usage.body().path("batches").get(0).path("records_sha256").asString())
                .isEqualTo(charge.path("recordsHashHex").asString());
        long recordCost = 0;
        for (JsonNode r : usage.body().path("items")) {
            assertThat(r.path("cost_pico").asLong())
                    .isEqualTo(r.path("prompt_tokens").asLong() * GatewayHarness.IN_PRICE
                            + r.path("completion_tokens").asLong() * GatewayHarness.OUT_PRICE);
            recordCost += r.path("cost_pico").asLong();
        }
        assertThat(recordCost).isEqualTo(cost);
    }

    @Test
    void badRequestsGetOpenAiErrorsAndNothingIsCharged() throws Exception {
        KeyPair bob = TestChain.KEYS.key("bob");
        chain.commit(bob, new Msg.OpenInferenceAccount(bob.address(), GATEWAY.address(), new Coin("uusd", 1_000)));
        String key = h.newKey(bob, null);
        String chat = h.base + "/v1/chat/completions";

        Http.Reply unknown =
                Http.post(chat, key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("error").path("code").asString()).isEqualTo("model_not_found");
        assertThat(unknown.body().path("error").path("message").asString()).contains("available: tiny");

        Http.Reply malformed = Http.post(chat, key, "{\"model\": \"tiny\", \"messages\": [");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(malformed.body().path("error").path("code").asString()).isEqualTo("invalid_json");

        Http.Reply tooLong = Http.post(
                chat,
                key,
                "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(100) + "\"}]}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().path("error").path("code").asString()).isEqualTo("context_length_exceeded");

        Http.Reply noKey =
                Http.post(chat, null, "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.body().path("error").path("code").asString()).isEqualTo("invalid_api_key");

        String revoked = h.newKey(bob, "{\"name\":\"old\"}");
        String id = revoked.substring(4, 12);
        assertThat(h.keys(bob, "DELETE", "/v1/keys/" + id, null).statusCode()).isEqualTo(200);
        Http.Reply withRevoked =
                Http.post(chat, revoked, "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(withRevoked.status()).isEqualTo(401);
        assertThat(withRevoked.body().path("error").path("message").asString()).contains("revoked");
        // A lease token (what a tenant gives a provider, here one at the gateway's address) manages no keys.
        String leaseToken = dev.vyoma.client.LeaseToken.create(
                bob,
                GATEWAY.address(),
                bob.address() + "/1/1/1/" + GATEWAY.address(),
                java.time.Duration.ofMinutes(1),
                java.time.Instant.now());
        java.net.http.HttpResponse<String> stolen = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.base + "/v1/keys"))
                                .header("Authorization", "Bearer " + leaseToken)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(stolen.statusCode()).isEqualTo(401);
        assertThat(stolen.body()).contains("not for inference-keys");
        // Someone else cannot revoke bob's key.
        assertThat(h.keys(TestChain.KEYS.key("carol"), "DELETE", "/v1/keys/" + key.substring(4, 12), null)
                        .statusCode())
                .isEqualTo(404);

        // An account with nothing in it, and none at all (which gets no key to begin with).
        KeyPair carol = TestChain.KEYS.key("carol");
        java.net.http.HttpResponse<String> noAccount = h.keys(carol, "POST", "/v1/keys", "{}");
        assertThat(noAccount.statusCode()).isEqualTo(402);
        JsonNode noAccountError = Json.MAPPER.readTree(noAccount.body()).path("error");
        assertThat(noAccountError.path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(noAccountError.path("message").asString()).contains("vyoma tx inference open");
        KeyPair dave = TestChain.KEYS.key("dave");
        chain.commit(dave, new Msg.OpenInferenceAccount(dave.address(), GATEWAY.address(), new Coin("uusd", 1)));
        chain.commit(dave, new Msg.CloseInferenceAccount(dave.address(), GATEWAY.address()));
        chain.commit(dave, new Msg.OpenInferenceAccount(dave.address(), GATEWAY.address(), new Coin("uusd", 1)));
        String daveKey = h.newKey(dave, null);
        Http.Reply empty = Http.post(
                chat,
                daveKey,
                "{\"model\":\"tiny\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(empty.status()).isEqualTo(402);
        assertThat(empty.body().path("error").path("message").asString()).contains("has 1uusd left");

        // Nothing of all that reached the ledger or the usage records.
        assertThat(h.gateway.settleNow()).isZero();
        assertThat(account(bob).path("chargedTotal").asLong()).isZero();
        assertThat(account(bob).path("balance").asLong()).isEqualTo(1_000);
        assertThat(account(dave).path("chargedTotal").asLong()).isZero();
        assertThat(Http.get(h.base + "/v1/usage", key).body().path("items").size())
                .isZero();
    }

    @Test
    void aKeyOverItsRateLimitIsRefusedWith429() throws Exception {
        KeyPair erin = TestChain.KEYS.key("erin");
        chain.commit(erin, new Msg.OpenInferenceAccount(erin.address(), GATEWAY.address(), new Coin("uusd", 1_000)));
        String key = h.newKey(erin, "{\"requests_per_minute\":2}");
        String body = "{\"model\":\"tiny\",\"max_tokens\":2,\"prompt\":\"x\"}";
        assertThat(Http.post(h.base + "/v1/completions", key, body).status()).isEqualTo(200);
        assertThat(Http.post(h.base + "/v1/completions", key, body).status()).isEqualTo(200);
        Http.Reply third = Http.post(h.base + "/v1/completions", key, body);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body().path("error").path("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(third.body().path("error").path("message").asString()).contains("2 requests per minute");
    }

    @Test
    void workersAnswerOnlyTheirGatewayAndTheirAddressesOnlyTheOperator() throws Exception {
        KeyPair frank = TestChain.KEYS.key("frank");
        chain.commit(frank, new Msg.OpenInferenceAccount(frank.address(), GATEWAY.address(), new Coin("uusd", 1_000)));
        String key = h.newKey(frank, null);
        String replicas = h.base + "/v1/replicas";

        // The worker addresses are not for anyone who asks: not without credentials, not for a customer's key, not
        // for a token of the customer's account, not for another account's token made for the operator's scope.
        assertThat(Http.get(replicas, null).status()).isEqualTo(401);
        assertThat(Http.get(replicas, key).status()).isEqualTo(401);
        String keysToken = dev.vyoma.client.LeaseToken.create(
                frank,
                GATEWAY.address(),
                InferenceGateway.KEYS_SCOPE,
                java.time.Duration.ofMinutes(1),
                java.time.Instant.now());
        assertThat(Http.get(replicas, keysToken).status()).isEqualTo(401);
        String notTheOperator = dev.vyoma.client.LeaseToken.create(
                frank,
                GATEWAY.address(),
                InferenceGateway.OPERATOR_SCOPE,
                java.time.Duration.ofMinutes(1),
                java.time.Instant.now());
        Http.Reply refused = Http.get(replicas, notTheOperator);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text()).doesNotContain(Integer.toString(h.worker.port()));
        Http.Reply listed = Http.get(replicas, h.operatorToken());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        String worker = listed.body().path("items").get(0).path("url").asString();
        assertThat(worker).isEqualTo("http://127.0.0.1:" + h.worker.port());

        // Whoever learns the address anyway gets nothing from the worker without the gateway's secret.
        int served = Http.get(worker + "/health", null).body().path("served").asInt();
        String body = "{\"model\":\"tiny\",\"max_tokens\":5,\"prompt\":\"free tokens\"}";
        String chatBody = "{\"model\":\"tiny\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String wrong = WorkerSecret.random(new SecureRandom()).hex();
        String almost =
                h.workerSecret.hex().substring(0, 63) + (h.workerSecret.hex().endsWith("0") ? "1" : "0");
        for (String credential : java.util.Arrays.asList(null, wrong, almost, key)) {
            Http.Reply direct = Http.post(worker + "/v1/completions", credential, body);
            assertThat(direct.status()).as(direct.text()).isEqualTo(401);
            assertThat(direct.body().path("error").path("code").asString()).isEqualTo("invalid_api_key");
            assertThat(Http.post(worker + "/v1/chat/completions", credential, chatBody)
                            .status())
                    .isEqualTo(401);
            assertThat(Http.get(worker + "/v1/models", credential).status()).isEqualTo(401);
        }
        assertThat(Http.get(worker + "/health", null).body().path("served").asInt())
                .as("the worker generated nothing for them")
                .isEqualTo(served);

        // Through the gateway the same request is served, and billed.
        Http.Reply paid = Http.post(h.base + "/v1/completions", key, body);
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        JsonNode usage = paid.body().path("usage");
        assertThat(Http.get(worker + "/health", null).body().path("served").asInt())
                .isEqualTo(served + 1);
        assertThat(h.gateway.settleNow()).isPositive();
        JsonNode charge = chain.client
                .getJson("/v1/inference/charges/" + frank.address() + "/" + GATEWAY.address())
                .orElseThrow()
                .path("items")
                .get(0);
        assertThat(charge.path("requests").asLong()).isEqualTo(1);
        assertThat(charge.path("inputTokens").asLong())
                .isEqualTo(usage.path("prompt_tokens").asLong());
        assertThat(charge.path("outputTokens").asLong())
                .isEqualTo(usage.path("completion_tokens").asLong());
    }

    @Test
    void modelsListPricesPerMillionTokens() throws Exception {
        JsonNode m = Http.get(h.base + "/v1/models", null).body().path("data").get(0);
        assertThat(m.path("id").asString()).isEqualTo("tiny");
        assertThat(m.path("pricing").path("input").asString()).isEqualTo("0.123457");
        assertThat(m.path("pricing").path("output").asString()).isEqualTo("0.987651");
        assertThat(m.path("context_length").asInt()).isEqualTo(256);
    }
}

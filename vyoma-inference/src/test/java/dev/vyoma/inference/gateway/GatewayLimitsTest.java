package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's limits, each at its value and one past it, through the real gateway and worker on a real chain:
 * who may hold keys, their names, how many, how often they change, the limits an owner may give them, and every
 * parameter of every route read into a bounded value (a bad one is a 4xx that says what to fix, never a 500).
 */
class GatewayLimitsTest {
    @TempDir
    static Path dir;

    private static TestChain chain;
    private static GatewayHarness h;
    private static final KeyPair GATEWAY = TestChain.KEYS.key("gateway");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        chain = new TestChain(
                dir,
                "vyoma-limits-test",
                "gateway",
                "funded",
                "never",
                "closed",
                "names",
                "limits",
                "many",
                "churn",
                "full1",
                "full2",
                "params");
        h = new GatewayHarness(chain, dir.resolve("gateway"), GATEWAY, null, List.of(GatewayHarness.tinyOffer(0, 1)));
        for (String name : List.of("funded", "names", "limits", "many", "churn", "full1", "full2", "params")) {
            open(TestChain.KEYS.key(name), 100_000);
        }
    }

    @AfterAll
    static void stop() {
        h.close();
        chain.close();
    }

    private static void open(KeyPair owner, long uusd) {
        chain.commit(owner, new Msg.OpenInferenceAccount(owner.address(), GATEWAY.address(), new Coin("uusd", uusd)));
    }

    private static HttpResponse<String> create(GatewayHarness g, String owner, String body) throws Exception {
        return g.keys(TestChain.KEYS.key(owner), "POST", "/v1/keys", body);
    }

    private static JsonNode error(HttpResponse<String> r) {
        return Json.MAPPER.readTree(r.body()).path("error");
    }

    private static String id(HttpResponse<String> created) {
        return Json.MAPPER.readTree(created.body()).path("id").asString();
    }

    private static HttpResponse<String> send(String method, String url, String authorization, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyAnOpenFundedAccountGetsKeys() throws Exception {
        Path file = dir.resolve("gateway").resolve("keys.json");
        long before = Files.exists(file) ? Files.size(file) : 0;

        // The reported attack: a never-funded account makes a key with a 1.5 MB name. The body is refused by its
        // size, and with any size the account is refused for having no account; the key file does not change.
        HttpResponse<String> huge = create(h, "never", "{\"name\":\"" + "n".repeat(1_500_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(error(huge).path("message").asString()).contains(KeyRequest.MAX_BODY_BYTES + " bytes");
        HttpResponse<String> never = create(h, "never", "{\"name\":\"mine\"}");
        assertThat(never.statusCode()).isEqualTo(402);
        assertThat(error(never).path("code").asString()).isEqualTo("insufficient_quota");
        assertThat(error(never).path("message").asString()).contains("vyoma tx inference open");
        assertThat(Files.exists(file) ? Files.size(file) : 0).isEqualTo(before);

        // An account opened and closed again holds nothing: no keys either.
        KeyPair closed = TestChain.KEYS.key("closed");
        open(closed, 1);
        chain.commit(closed, new Msg.CloseInferenceAccount(closed.address(), GATEWAY.address()));
        assertThat(create(h, "closed", "{}").statusCode()).isEqualTo(402);

        // An open account holding at least the minimum gets its key.
        assertThat(Billing.MIN_BALANCE_MICRO_FOR_KEYS).isEqualTo(1);
        HttpResponse<String> ok = create(h, "funded", "{}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        open(closed, Billing.MIN_BALANCE_MICRO_FOR_KEYS);
        assertThat(create(h, "closed", "{}").statusCode()).isEqualTo(201);
    }

    @Test
    void keyNamesAreShortAndPlain() throws Exception {
        String longest = "n".repeat(KeyName.MAX_CHARS - 6) + " 2-._x";
        HttpResponse<String> atLimit = create(h, "names", "{\"name\":\"" + longest + "\"}");
        assertThat(atLimit.statusCode()).as(atLimit.body()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(atLimit.body()).path("name").asString()).isEqualTo(longest);
        for (String bad : List.of(
                "n".repeat(KeyName.MAX_CHARS + 1),
                "a\\nb",
                "<script>",
                "two  spaces",
                " leading",
                "trailing ",
                "caf\\u00e9")) {
            HttpResponse<String> r = create(h, "names", "{\"name\":\"" + bad + "\"}");
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(error(r).path("param").asString()).isEqualTo("name");
            assertThat(error(r).path("message").asString()).contains("up to " + KeyName.MAX_CHARS);
        }
        assertThat(create(h, "names", "{\"name\":7}").statusCode()).isEqualTo(400);

        // The body's cap: a body of exactly the most bytes is read, one more is not.
        String small = "{\"name\":\"padded\"}";
        String exact =
                small.substring(0, small.length() - 1) + " ".repeat(KeyRequest.MAX_BODY_BYTES - small.length()) + "}";
        assertThat(exact).hasSize(KeyRequest.MAX_BODY_BYTES);
        assertThat(create(h, "names", exact).statusCode()).isEqualTo(201);
        HttpResponse<String> over = create(h, "names", exact + " ");
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(error(over).path("code").asString()).isEqualTo("request_too_large");
    }

    @Test
    void anOwnersLimitsAreBoundedByTheGatewaysMaxima() throws Exception {
        HttpResponse<String> most = create(
                h,
                "limits",
                "{\"requests_per_minute\":" + KeyLimits.MAX_REQUESTS_PER_MINUTE + ",\"max_concurrent\":"
                        + KeyLimits.MAX_CONCURRENT + "}");
        assertThat(most.statusCode()).as(most.body()).isEqualTo(201);
        JsonNode made = Json.MAPPER.readTree(most.body());
        assertThat(made.path("requests_per_minute").asInt()).isEqualTo(KeyLimits.MAX_REQUESTS_PER_MINUTE);
        assertThat(made.path("max_concurrent").asInt()).isEqualTo(KeyLimits.MAX_CONCURRENT);
        JsonNode dflt = Json.MAPPER.readTree(create(h, "limits", "").body());
        assertThat(dflt.path("requests_per_minute").asInt()).isEqualTo(KeyLimits.DEFAULT_REQUESTS_PER_MINUTE);
        assertThat(dflt.path("max_concurrent").asInt()).isEqualTo(KeyLimits.DEFAULT_MAX_CONCURRENT);

        record Bad(String body, String param, String says) {}
        for (Bad b : List.of(
                new Bad(
                        "{\"requests_per_minute\":" + (KeyLimits.MAX_REQUESTS_PER_MINUTE + 1) + "}",
                        "requests_per_minute",
                        "from 1 to " + KeyLimits.MAX_REQUESTS_PER_MINUTE),
                new Bad("{\"requests_per_minute\":2147483647}", "requests_per_minute", "from 1 to"),
                new Bad("{\"requests_per_minute\":99999999999}", "requests_per_minute", "from 1 to"),
                new Bad("{\"requests_per_minute\":0}", "requests_per_minute", "from 1 to"),
                new Bad("{\"requests_per_minute\":-5}", "requests_per_minute", "from 1 to"),
                new Bad("{\"requests_per_minute\":\"600\"}", "requests_per_minute", "whole number"),
                new Bad("{\"requests_per_minute\":1.5}", "requests_per_minute", "whole number"),
                new Bad(
                        "{\"max_concurrent\":" + (KeyLimits.MAX_CONCURRENT + 1) + "}",
                        "max_concurrent",
                        "from 1 to " + KeyLimits.MAX_CONCURRENT),
                new Bad("{\"max_concurrent\":0}", "max_concurrent", "from 1 to"),
                new Bad("{\"burst\":10}", "burst", "unknown field"))) {
            HttpResponse<String> r = create(h, "limits", b.body());
            assertThat(r.statusCode()).as(b.body()).isEqualTo(400);
            assertThat(error(r).path("param").asString()).isEqualTo(b.param());
            assertThat(error(r).path("message").asString()).contains(b.says());
        }
        HttpResponse<String> array = create(h, "limits", "[]");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(error(array).path("code").asString()).isEqualTo("invalid_json");
    }

    @Test
    void anAccountHasAtMostSixteenKeysInUseAndThirtyTwoKept() throws Exception {
        KeyPair many = TestChain.KEYS.key("many");
        List<String> ids = new ArrayList<>();
        String firstSecret = null;
        for (int i = 0; i < ApiKeys.MAX_ACTIVE_KEYS_PER_ACCOUNT; i++) {
            HttpResponse<String> r = create(h, "many", "{}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(id(r));
            if (firstSecret == null) {
                firstSecret = Json.MAPPER.readTree(r.body()).path("key").asString();
            }
        }
        HttpResponse<String> past = create(h, "many", "{}");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(error(past).path("message").asString())
                .contains(ApiKeys.MAX_ACTIVE_KEYS_PER_ACCOUNT + " keys in use")
                .contains("revoke one first");

        // Revoked keys are kept, up to the most per account; then the oldest revoked one is forgotten.
        int kept = ApiKeys.MAX_ACTIVE_KEYS_PER_ACCOUNT;
        while (kept < ApiKeys.MAX_KEYS_PER_ACCOUNT) {
            assertThat(h.keys(many, "DELETE", "/v1/keys/" + ids.removeFirst(), null)
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> r = create(h, "many", "{}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(id(r));
            kept++;
        }
        JsonNode listed =
                Json.MAPPER.readTree(h.keys(many, "GET", "/v1/keys", null).body());
        assertThat(listed.path("items").size()).isEqualTo(ApiKeys.MAX_KEYS_PER_ACCOUNT);
        String oldest = listed.path("items").get(0).path("id").asString();
        assertThat(Http.post(
                                h.base + "/v1/completions",
                                firstSecret,
                                "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1}")
                        .text())
                .contains("revoked");

        assertThat(h.keys(many, "DELETE", "/v1/keys/" + ids.removeFirst(), null).statusCode())
                .isEqualTo(200);
        assertThat(create(h, "many", "{}").statusCode()).isEqualTo(201);
        listed = Json.MAPPER.readTree(h.keys(many, "GET", "/v1/keys", null).body());
        assertThat(listed.path("items").size()).isEqualTo(ApiKeys.MAX_KEYS_PER_ACCOUNT);
        assertThat(listed.path("items").get(0).path("id").asString()).isNotEqualTo(oldest);
        Http.Reply forgotten = Http.post(
                h.base + "/v1/completions", firstSecret, "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1}");
        assertThat(forgotten.status()).isEqualTo(401);
        assertThat(forgotten.text()).contains("not known");
    }

    @Test
    void anAccountChangesItsKeysAtMostSixtyTimesAnHour() throws Exception {
        KeyPair churn = TestChain.KEYS.key("churn");
        String last = null;
        for (int i = 0; i < ApiKeys.MAX_KEY_CHANGES_PER_HOUR / 2; i++) {
            HttpResponse<String> r = create(h, "churn", "{}");
            assertThat(r.statusCode()).as("change %d: %s", 2 * i, r.body()).isEqualTo(201);
            last = id(r);
            assertThat(h.keys(churn, "DELETE", "/v1/keys/" + last, null).statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> past = create(h, "churn", "{}");
        assertThat(past.statusCode()).isEqualTo(429);
        assertThat(error(past).path("message").asString())
                .contains(ApiKeys.MAX_KEY_CHANGES_PER_HOUR + " times in the last hour");
        // Revoking a revoked key again changes nothing, so it is no change to count.
        assertThat(h.keys(churn, "DELETE", "/v1/keys/" + last, null).statusCode())
                .isEqualTo(200);
        // Another account is not held back by this one.
        assertThat(create(h, "funded", "{}").statusCode()).isEqualTo(201);
    }

    @Test
    void theGatewayKeepsAtMostItsMostKeys() throws Exception {
        int most = 3;
        try (GatewayHarness small = new GatewayHarness(
                chain,
                dir.resolve("small"),
                GATEWAY,
                null,
                List.of(GatewayHarness.tinyOffer(0, 1)),
                0,
                KeyLimits.DEFAULTS,
                most)) {
            String revokeLater = id(create(small, "full1", "{}"));
            assertThat(create(small, "full1", "{}").statusCode()).isEqualTo(201);
            assertThat(create(small, "full2", "{}").statusCode()).isEqualTo(201);
            HttpResponse<String> past = create(small, "full2", "{}");
            assertThat(past.statusCode()).isEqualTo(503);
            assertThat(error(past).path("message").asString()).contains(most + " keys in use");
            // A revoked key makes room: it is forgotten for the new one.
            assertThat(small.keys(TestChain.KEYS.key("full1"), "DELETE", "/v1/keys/" + revokeLater, null)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(create(small, "full2", "{}").statusCode()).isEqualTo(201);
            JsonNode full1 = Json.MAPPER.readTree(small.keys(TestChain.KEYS.key("full1"), "GET", "/v1/keys", null)
                    .body());
            assertThat(full1.path("items").size()).isEqualTo(1);
        }
    }

    @Test
    void everyParameterOfEveryRouteIsReadAtTheEdge() throws Exception {
        String key = h.newKey(TestChain.KEYS.key("params"), null);
        String bearer = "Bearer " + key;

        // /v1/usage?limit=
        HttpResponse<String> abc = send("GET", h.base + "/v1/usage?limit=abc", bearer, null);
        assertThat(abc.statusCode()).isEqualTo(400);
        assertThat(error(abc).path("param").asString()).isEqualTo("limit");
        assertThat(error(abc).path("message").asString())
                .isEqualTo("limit is a whole number from 1 to " + InferenceGateway.MAX_USAGE_ITEMS + ", got 'abc'");
        for (String q : List.of(
                "limit=0",
                "limit=-1",
                "limit=" + (InferenceGateway.MAX_USAGE_ITEMS + 1),
                "limit=99999999999",
                "limit=1e3",
                "limit=",
                "limit=1&limit=2",
                "lmit=5")) {
            assertThat(send("GET", h.base + "/v1/usage?" + q, bearer, null).statusCode())
                    .as(q)
                    .isEqualTo(400);
        }
        assertThat(send("GET", h.base + "/v1/usage?limit=1", bearer, null).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", h.base + "/v1/usage?limit=" + InferenceGateway.MAX_USAGE_ITEMS, bearer, null)
                        .statusCode())
                .isEqualTo(200);

        // DELETE /v1/keys/{id}
        KeyPair params = TestChain.KEYS.key("params");
        for (String bad : List.of("XYZ", "ABCDEF12", "abcdef123", "abcdef1")) {
            HttpResponse<String> r = h.keys(params, "DELETE", "/v1/keys/" + bad, null);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(error(r).path("message").asString()).contains("8 lowercase hex digits");
        }
        assertThat(h.keys(params, "DELETE", "/v1/keys/abcdef12", null).statusCode())
                .isEqualTo(404);

        // No route takes a query parameter it does not name.
        assertThat(send("GET", h.base + "/v1/models?x=1", null, null).statusCode())
                .isEqualTo(400);
        assertThat(send("GET", h.base + "/v1/gateway?x=1", null, null).statusCode())
                .isEqualTo(400);
        assertThat(h.keys(params, "GET", "/v1/keys?x=1", null).statusCode()).isEqualTo(400);
        assertThat(h.keys(params, "POST", "/v1/keys?x=1", "{}").statusCode()).isEqualTo(400);
        assertThat(send("GET", h.base + "/v1/replicas?x=1", "Bearer " + h.operatorToken(), null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(send(
                                "POST",
                                h.base + "/v1/completions?x=1",
                                bearer,
                                "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(Http.post(h.base + "/v1/completions", "sk-not-a-vyoma-key", "{}")
                        .status())
                .isEqualTo(401);

        // The completion body: its cap, the model id, the messages, the stop sequences, the seed, n.
        String small = "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1}";
        String exact = small.substring(0, small.length() - 1)
                + " ".repeat(CompletionRequest.MAX_BODY_BYTES - small.length())
                + "}";
        Http.Reply atCap = Http.post(h.base + "/v1/completions", key, exact);
        assertThat(atCap.status()).as(atCap.text()).isEqualTo(200);
        Http.Reply overCap = Http.post(h.base + "/v1/completions", key, exact + " ");
        assertThat(overCap.status()).isEqualTo(413);
        assertThat(overCap.body().path("error").path("code").asString()).isEqualTo("request_too_large");

        String model128 = "m".repeat(CompletionRequest.MAX_MODEL_CHARS);
        assertThat(completion(key, "\"model\":\"" + model128 + "\",\"prompt\":\"x\"")
                        .body()
                        .path("error")
                        .path("code")
                        .asString())
                .isEqualTo("model_not_found");
        assertThat(completion(key, "\"model\":\"" + model128 + "m\",\"prompt\":\"x\"")
                        .body()
                        .path("error")
                        .path("param")
                        .asString())
                .isEqualTo("model");

        String message = "{\"role\":\"user\",\"content\":\"\"},";
        String atMost = message.repeat(CompletionRequest.MAX_MESSAGES);
        Http.Reply manyMessages = chat(key, "[" + atMost.substring(0, atMost.length() - 1) + "]");
        assertThat(manyMessages.body().path("error").path("code").asString())
                .as("as many messages as allowed are read; they do not fit the tiny context")
                .isEqualTo("context_length_exceeded");
        Http.Reply tooMany = chat(key, "[" + atMost + message.substring(0, message.length() - 1) + "]");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body().path("error").path("message").asString())
                .contains("at most " + CompletionRequest.MAX_MESSAGES);

        String stop = "s".repeat(CompletionRequest.MAX_STOP_CHARS);
        assertThat(completion(key, "\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1,\"stop\":\"" + stop + "\"")
                        .status())
                .isEqualTo(200);
        for (String bad : List.of(
                "\"stop\":\"" + stop + "s\"",
                "\"stop\":\"\"",
                "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]",
                "\"stop\":[1]",
                "\"seed\":18446744073709551616",
                "\"seed\":1.5",
                "\"n\":1.5",
                "\"n\":2",
                "\"max_tokens\":0",
                "\"temperature\":3")) {
            Http.Reply r = completion(key, "\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1," + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body().path("error").path("type").asString()).isEqualTo("invalid_request_error");
        }
        assertThat(completion(key, "\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":1,\"n\":1,\"seed\":-3")
                        .status())
                .isEqualTo(200);
        Http.Reply parts = chat(
                key,
                "[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"text\",\"text\":\"a\"},".repeat(CompletionRequest.MAX_CONTENT_PARTS)
                        + "{\"type\":\"text\",\"text\":\"a\"}]}]");
        assertThat(parts.status()).isEqualTo(400);
        assertThat(parts.body().path("error").path("message").asString())
                .contains("at most " + CompletionRequest.MAX_CONTENT_PARTS);
        assertThat(chat(key, "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":7}]}]")
                        .status())
                .isEqualTo(400);

        // The worker reads its own requests the same way, even its gateway's.
        String worker = "http://127.0.0.1:" + h.worker.port();
        String secret = h.workerSecret.hex();
        assertThat(Http.post(worker + "/v1/completions", secret, exact).status())
                .isEqualTo(200);
        // Past the cap the worker answers 413 without reading the body; a client still sending may instead see
        // the connection closed under it. Either way nothing is computed, and the worker keeps answering below.
        int over;
        try {
            over = Http.post(worker + "/v1/completions", secret, exact + " ").status();
        } catch (java.io.IOException closedWhileSending) {
            over = 413;
        }
        assertThat(over).isEqualTo(413);
        assertThat(Http.post(worker + "/v1/completions?x=1", secret, small).status())
                .isEqualTo(400);
        assertThat(Http.get(worker + "/health?x=1", null).status()).isEqualTo(400);
    }

    private static Http.Reply completion(String key, String fields) throws Exception {
        return Http.post(h.base + "/v1/completions", key, "{" + fields + "}");
    }

    private static Http.Reply chat(String key, String messages) throws Exception {
        return Http.post(
                h.base + "/v1/chat/completions",
                key,
                "{\"model\":\"tiny\",\"max_tokens\":1,\"messages\":" + messages + "}");
    }
}

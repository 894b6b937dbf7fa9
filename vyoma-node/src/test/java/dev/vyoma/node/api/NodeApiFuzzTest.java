package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.chain.Node;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes what the node's API reads from a stranger: the bodies of {@code POST /v1/txs} and {@code /v1/txs/batch}
 * with their {@code wait} and {@code timeout} parameters, the path and query parameters of every query route, and
 * an event subscription's {@code Last-Event-ID}, {@code from} and {@code types}. Bodies and queries go over HTTP to
 * a real one-node chain, since their parsing lives in the handlers; the subscription is parsed by {@link
 * EventStream#request} directly (over HTTP an accepted one would stream). Every answer is a 2xx or a 4xx, never a
 * 500, a refusal's message is one bounded line, and the node still answers afterwards.
 */
class NodeApiFuzzTest {
    private static final String CHAIN = "vyoma-fuzz";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the submit target puts after the path, chosen by bits of its first byte. */
    private static final List<String> WAITS = List.of("", "wait=commit", "wait=", "wait=later");

    private static final List<String> TIMEOUTS = List.of("", "timeout=1", "timeout=0", "timeout=99999999999999999999");

    /** Every query route, with a placeholder for each path parameter. */
    private static final List<String> ROUTES = List.of(
            "/v1/txs/{}",
            "/v1/blocks",
            "/v1/blocks/{}",
            "/v1/accounts/{}",
            "/v1/deployments",
            "/v1/deployments/{}/{}",
            "/v1/groups/{}/{}/{}",
            "/v1/orders",
            "/v1/orders/{}/{}/{}/{}",
            "/v1/bids",
            "/v1/bids/{}/{}/{}/{}/{}",
            "/v1/leases",
            "/v1/leases/{}/{}/{}/{}/{}",
            "/v1/providers",
            "/v1/providers/{}",
            "/v1/audits",
            "/v1/certificates",
            "/v1/inference/accounts",
            "/v1/inference/accounts/{}/{}",
            "/v1/inference/charges/{}/{}",
            "/v1/inference/gateways/{}",
            "/v1/escrow/{}/{}");

    private static final List<String> PARAMETERS = List.of(
            "state",
            "owner",
            "provider",
            "order",
            "offset",
            "limit",
            "attr",
            "gateway",
            "height",
            "auditor",
            "from",
            "to");

    private static LocalChain chain;
    private static Node node;
    private static Api api;
    private static HttpClient http;

    /** The deterministic keys of this test's named accounts. */
    static final NamedKeys KEYS = new NamedKeys("fuzz");

    @BeforeAll
    static void start(@TempDir Path home) throws IOException {
        chain = LocalChain.builder(home)
                .genesis(LocalChain.fundedGenesis(
                        CHAIN,
                        List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", 1_000_000)),
                        KEYS.key("alice").address()))
                .proposer(KEYS.key("validator").address())
                .blockInterval(Duration.ofMillis(100))
                .snapshotEveryBlocks(100)
                .start();
        node = chain.node();
        api = chain.api();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null && api != null) {
            // Whatever it was sent, the node still answers.
            assertThat(http.send(
                                    HttpRequest.newBuilder(uri("/v1/status")).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
        }
        if (http != null) {
            http.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    /**
     * The first byte picks the route (bit 0: the batch), {@code wait} (bits 1–2) and {@code timeout} (bits 3–4); the
     * rest is the body, so that a kept input reads as the JSON it sends.
     */
    @FuzzTest
    void submit(byte[] input) throws Exception {
        int how = input.length == 0 ? 0 : input[0];
        byte[] body = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        boolean batch = (how & 1) != 0;
        String query = String.join(
                "&",
                List.of(WAITS.get((how >> 1) & 3), TIMEOUTS.get((how >> 3) & 3)).stream()
                        .filter(q -> !q.isEmpty())
                        .toList());
        String path = (batch ? "/v1/txs/batch" : "/v1/txs") + (query.isEmpty() ? "" : "?" + query);
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertAnswer(r);
    }

    /** A query route with fuzzed path parameters and query parameters. */
    @FuzzTest
    void query(FuzzedDataProvider data) throws Exception {
        String route = data.pickValue(ROUTES);
        StringBuilder path = new StringBuilder();
        for (String part : route.split("\\{}", -1)) {
            if (!path.isEmpty()) {
                path.append(encode(data.consumeString(100)));
            }
            path.append(part);
        }
        int parameters = data.consumeInt(0, 3);
        for (int i = 0; i < parameters; i++) {
            path.append(i == 0 ? '?' : '&')
                    .append(data.pickValue(PARAMETERS))
                    .append('=')
                    .append(encode(data.consumeString(100)));
        }
        URI uri;
        try {
            uri = uri(path.toString());
        } catch (IllegalArgumentException e) {
            return; // Not a URI a client could send.
        }
        HttpResponse<byte[]> r =
                http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertAnswer(r);
    }

    /** A subscription's parameters: a request whose start is a height from 1, or a one-line refusal. */
    @FuzzTest
    void subscription(FuzzedDataProvider data) {
        String lastEventId = data.consumeBoolean() ? null : data.consumeString(60);
        String from = data.consumeBoolean() ? null : data.consumeString(30);
        String types = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        long latest = 41;
        EventStream.Request request;
        try {
            request = EventStream.request(lastEventId, from, types, latest);
        } catch (IllegalArgumentException e) {
            assertOneLine(e.getMessage());
            return;
        }
        assertThat(request.start().height()).isPositive();
        assertThat(request.start().seen()).isGreaterThanOrEqualTo(-1);
        assertThat(EventStream.TYPES).containsAll(request.types());
        if (lastEventId != null && !lastEventId.isEmpty()) {
            // Its one spelling: what the stream sends is what it reads back.
            assertThat(request.start().height() + ":" + request.start().seen()).isEqualTo(lastEventId);
        } else if (from != null) {
            assertThat(Long.toString(request.start().height())).isEqualTo(from);
        } else {
            assertThat(request.start().height()).isEqualTo(latest + 1);
        }
    }

    private static void assertAnswer(HttpResponse<byte[]> r) {
        assertThat(r.statusCode())
                .as("%s answered %s", r.uri(), new String(r.body(), StandardCharsets.UTF_8))
                .isBetween(200, 499);
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() >= 400 && type.startsWith("application/json")) {
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertOneLine(error.path("message").asString());
        }
    }

    private static void assertOneLine(String message) {
        assertThat(message).isNotBlank().hasSizeLessThanOrEqualTo(Api.MAX_ERROR_MESSAGE_CHARS + 1);
        assertThat(message.chars().noneMatch(Character::isISOControl))
                .as("one line: %s", message)
                .isTrue();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.chain.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/blocks?from=&to=} on a real one-node chain: each item is what {@code /v1/blocks/{height}} answers,
 * the byte budget stops an answer where {@code next} says and following {@code next} gives every block once, and
 * every hostile range is a 400 (or a 404 past the chain's end) with a one-line reason while the chain goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlockRangeTest {
    private static final String CHAIN = "vyoma-block-range-test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LocalChain chain;
    private Node node;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private long sequence;

    private record Answer(int status, JsonNode body) {
        String message() {
            return body.path("error").path("message").asString();
        }
    }

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("range");

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        chain = LocalChain.builder(home)
                .genesis(LocalChain.fundedGenesis(
                        CHAIN,
                        List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", 1_000_000)),
                        KEYS.key("alice").address()))
                .proposer(KEYS.key("validator").address())
                .blockInterval(Duration.ofMillis(20))
                .start();
        node = chain.node();
        port = chain.api().port();
        await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
        // Blocks with transactions and events among empty ones.
        for (int i = 0; i < 3; i++) {
            assertThat(send().status()).isEqualTo(200);
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> node.blocks().latestHeight() >= 40);
    }

    @AfterAll
    void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    private Answer send() throws Exception {
        KeyPair k = KEYS.key("alice");
        Tx tx = new Tx(
                CHAIN,
                k.publicKey(),
                sequence++,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), KEYS.key("bob").address(), new Coin("uusd", 5))),
                "");
        SignedTx signed = new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(signed.encode()) + "\"}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/txs?wait=commit"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private Answer get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void eachBlockIsWhatTheSingleBlockRouteAnswers() throws Exception {
        Answer range = get("/v1/blocks?from=1&to=40");
        assertThat(range.status()).as(range.body().toString()).isEqualTo(200);
        assertThat(range.body().path("from").asLong()).isEqualTo(1);
        assertThat(range.body().path("to").asLong()).isEqualTo(40);
        assertThat(range.body().path("next").isNull()).isTrue();
        JsonNode blocks = range.body().path("blocks");
        assertThat(blocks.size()).isEqualTo(40);
        int withTxs = 0;
        for (int i = 0; i < 40; i++) {
            Answer one = get("/v1/blocks/" + (i + 1));
            assertThat(blocks.get(i)).isEqualTo(one.body());
            withTxs += blocks.get(i).path("txs").isEmpty() ? 0 : 1;
        }
        assertThat(withTxs).as("blocks with transactions and events").isPositive();

        // One block, and a range at the latest height.
        assertThat(get("/v1/blocks?from=7&to=7").body().path("blocks").get(0))
                .isEqualTo(get("/v1/blocks/7").body());
        long latest = node.blocks().latestHeight();
        Answer last = get("/v1/blocks?from=" + latest + "&to=" + latest);
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.body().path("blocks").get(0).path("height").asLong()).isEqualTo(latest);
    }

    @Test
    void withoutToTheAnswerRunsToTheLatestHeight() throws Exception {
        long latest = node.blocks().latestHeight();
        Answer a = get("/v1/blocks?from=" + (latest - 4));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("from").asLong()).isEqualTo(latest - 4);
        // The chain moves on meanwhile: the answer ends at what was the latest when it was asked.
        assertThat(a.body().path("to").asLong()).isGreaterThanOrEqualTo(latest);
        assertThat(a.body().path("blocks").size())
                .isEqualTo((int) (a.body().path("to").asLong() - latest + 5));
    }

    @Test
    void theByteBudgetStopsAnAnswerAndNextGoesOnFromThere() throws Exception {
        JsonMapper json = ApiJson.mapper();
        byte[] whole = BlockRange.answer(node.blocks(), json, 1, 40, BlockRange.MAX_BYTES);
        JsonNode all = JSON.readTree(whole);
        int oneBlock = json.writeValueAsBytes(all.path("blocks").get(0)).length;
        for (int budget : List.of(1, oneBlock, 3 * oneBlock + 1, whole.length / 2)) {
            List<JsonNode> got = new ArrayList<>();
            long from = 1;
            int answers = 0;
            while (true) {
                JsonNode a = JSON.readTree(BlockRange.answer(node.blocks(), json, from, 40, budget));
                answers++;
                assertThat(a.path("from").asLong()).isEqualTo(from);
                assertThat(a.path("blocks").size()).isPositive();
                assertThat(a.path("to").asLong())
                        .isEqualTo(from + a.path("blocks").size() - 1);
                a.path("blocks").forEach(got::add);
                if (a.path("next").isNull()) {
                    assertThat(a.path("to").asLong()).isEqualTo(40);
                    break;
                }
                assertThat(a.path("next").asLong()).isEqualTo(a.path("to").asLong() + 1);
                from = a.path("next").asLong();
            }
            assertThat(got).as("budget %d", budget).containsExactlyElementsOf(all.path("blocks"));
            assertThat(answers).as("budget %d", budget).isGreaterThan(1);
            if (budget == 1) {
                assertThat(answers).isEqualTo(40);
            }
        }
    }

    @Test
    void hostileRangesAre400sThatSayWhatToAsk() throws Exception {
        long latest = node.blocks().latestHeight();
        List<String> malformed = List.of(
                "from=abc&to=5",
                "from=1&to=x",
                "from=-1&to=5",
                "from=1&to=-5",
                "from=0&to=5",
                "from=%2B1&to=5",
                "from=01&to=5",
                "from=1.0&to=5",
                "from=1e3&to=5",
                "from=&to=5",
                "from=1&to=",
                "from=99999999999999999999&to=5",
                "from=1&to=99999999999999999999",
                "from=%EF%BC%91&to=5",
                "from=1%0A&to=5",
                "from=1&from=2&to=5",
                "from=1&to=2&to=3",
                "to=5",
                "");
        for (String q : malformed) {
            Answer a = get("/v1/blocks?" + q);
            assertThat(a.status()).as(q).isEqualTo(400);
            assertThat(a.message()).as(q).isNotBlank().doesNotContain("\n");
        }
        assertThat(get("/v1/blocks?from=x").message()).contains("from is a whole number from 1");
        assertThat(get("/v1/blocks?to=5").message()).contains("from is required");
        assertThat(get("/v1/blocks?from=1&from=2").message()).contains("from is given 2 times");

        Answer reversed = get("/v1/blocks?from=9&to=3");
        assertThat(reversed.status()).isEqualTo(400);
        assertThat(reversed.message()).contains("to (3) is below from (9)");

        Answer huge = get("/v1/blocks?from=1&to=9223372036854775807");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.message()).contains("at most 1000 blocks").contains("from=1&to=");
        assertThat(get("/v1/blocks?from=1&to=1001").message()).contains("at most 1000 blocks");

        Answer pastEnd = get("/v1/blocks?from=1&to=" + (latest + 500));
        assertThat(pastEnd.status()).isEqualTo(400);
        assertThat(pastEnd.message()).contains("above the latest height");

        Answer notYet = get("/v1/blocks?from=" + (latest + 1_000) + "&to=" + (latest + 1_000));
        assertThat(notYet.status()).isEqualTo(404);
        assertThat(notYet.message()).contains("the latest is");
        assertThat(get("/v1/blocks?from=9223372036854775807").status()).isEqualTo(404);

        // A range of exactly the maximum passes the length check (this chain is shorter, so it is refused for that).
        assertThat(get("/v1/blocks?from=1&to=1000").message()).contains("above the latest height");

        // The chain went on through all of it.
        assertThat(send().status()).isEqualTo(200);
    }

    @Test
    void pastTheAnswersBuiltAtOnceARequestIsA503AndTheNextOneIsServed() throws Exception {
        BlockRange.BUILDING.acquire(BlockRange.MAX_CONCURRENT);
        try {
            Answer busy = get("/v1/blocks?from=1&to=5");
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.message()).contains("block ranges at once; retry");
        } finally {
            BlockRange.BUILDING.release(BlockRange.MAX_CONCURRENT);
        }
        assertThat(get("/v1/blocks?from=1&to=5").status()).isEqualTo(200);
        assertThat(BlockRange.BUILDING.availablePermits()).isEqualTo(BlockRange.MAX_CONCURRENT);
    }

    @Test
    void theOpenApiDocumentDescribesTheRange() throws Exception {
        JsonNode op =
                get("/openapi.json").body().path("paths").path("/v1/blocks").path("get");
        assertThat(op.path("parameters").findValuesAsString("name")).containsExactly("from", "to");
        assertThat(op.path("responses").has("400")).isTrue();
    }
}

package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.Signature;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.chain.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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

/** The HTTP API of a real one-node chain: the happy paths, and every kind of bad input answered with a 4xx. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    private static final String CHAIN = "vyoma-api-test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LocalChain chain;
    private Node node;
    private Api api;
    private final HttpClient http = HttpClient.newHttpClient();
    private long aliceSequence;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("api");

    @BeforeAll
    void start(@TempDir Path home) throws IOException {
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
        await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
    }

    @AfterAll
    void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    private record Answer(int status, JsonNode body) {
        String errorName() {
            return body.path("error").path("name").asString();
        }

        String errorMessage() {
            return body.path("error").path("message").asString();
        }
    }

    private Answer get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private Answer post(String path, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private Answer submit(SignedTx tx, String query) throws Exception {
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(tx.encode()) + "\"}";
        return post("/v1/txs" + query, body.getBytes(StandardCharsets.UTF_8));
    }

    private static SignedTx send(String chain, long sequence, long amount) {
        KeyPair k = KEYS.key("alice");
        Tx tx = new Tx(
                chain,
                k.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), KEYS.key("bob").address(), new Coin("uusd", amount))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    private SignedTx nextSend(long amount) {
        return send(CHAIN, aliceSequence++, amount);
    }

    private void assertHealthy() throws Exception {
        Answer status = get("/v1/status");
        assertThat(status.status()).isEqualTo(200);
        Answer ok = submit(nextSend(1), "?wait=commit");
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
        assertThat(ok.body().path("ok").asBoolean()).isTrue();
    }

    /**
     * The attack from the security review: an unsigned CreateBid whose price carries a decimal scale of
     * -60,000,000, 398 bytes that once cost seconds of CPU and gigabytes to decode. Sixteen of them now get
     * a 400 naming the scale, and the chain goes on committing.
     */
    @Test
    void aPriceWithAHostileScaleIsRefusedBeforeItCostsAnything() throws Exception {
        KeyPair k = KEYS.key("alice");
        java.math.BigDecimal price = new java.math.BigDecimal("1.5").setScale(18);
        Tx tx = new Tx(
                CHAIN,
                k.publicKey(),
                0,
                new Coin("uvyo", 1_000),
                List.of(new Msg.CreateBid(
                        new dev.vyoma.ledger.market.OrderId(
                                new dev.vyoma.ledger.deployment.GroupId(
                                        new dev.vyoma.ledger.deployment.DeploymentId(k.address(), 1), 1),
                                1),
                        k.address(),
                        new dev.vyoma.sdl.spec.DecCoin("uusd", price),
                        new Coin("uvyo", 5))),
                "");
        byte[] wire = new SignedTx(tx, new Signature(new byte[64])).encode();
        byte[] unscaled = price.unscaledValue().toByteArray();
        java.nio.ByteBuffer pattern = java.nio.ByteBuffer.allocate(8 + unscaled.length);
        byte[] needle = pattern.putInt(18).putInt(unscaled.length).put(unscaled).array();
        int at = -1;
        for (int i = 0; i + needle.length <= wire.length && at < 0; i++) {
            if (Arrays.equals(wire, i, i + needle.length, needle, 0, needle.length)) {
                at = i;
            }
        }
        assertThat(at).as("the price's place in the encoding").isNotNegative();
        java.nio.ByteBuffer.wrap(wire).putInt(at, -60_000_000);
        byte[] body =
                ("{\"tx\":\"" + Base64.getEncoder().encodeToString(wire) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 16; i++) {
            Answer r = post("/v1/txs", body);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
            assertThat(r.errorMessage()).contains("decimal scale -60000000");
        }
        assertHealthy();
    }

    @Test
    void aTransactionIsCommittedAndCanBeLookedUp() throws Exception {
        SignedTx tx = nextSend(25);
        Answer r = submit(tx, "?wait=commit");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().path("hash").asString()).isEqualTo(tx.hashHex());
        assertThat(r.body().path("ok").asBoolean()).isTrue();
        long height = r.body().path("height").asLong();
        assertThat(height).isPositive();
        List<String> types = r.body()
                .path("events")
                .valueStream()
                .map(e -> e.path("type").asString())
                .toList();
        assertThat(types).contains("FeePaid", "Transfer");

        Answer again = get("/v1/txs/" + tx.hashHex());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("height").asLong()).isEqualTo(height);

        Answer block = get("/v1/blocks/" + height);
        assertThat(block.status()).isEqualTo(200);
        assertThat(block.body()
                        .path("txs")
                        .valueStream()
                        .map(t -> t.path("hash").asString()))
                .contains(tx.hashHex());
        assertThat(block.body().path("state").asString()).hasSize(64);

        Answer latest = get("/v1/blocks/latest");
        assertThat(latest.body().path("height").asLong()).isGreaterThanOrEqualTo(height);

        Answer account = get("/v1/accounts/" + KEYS.key("bob").address());
        assertThat(account.status()).isEqualTo(200);
        assertThat(account.body().path("balances").get(0).path("denom").asString())
                .isEqualTo("uusd");

        Answer status = get("/v1/status");
        assertThat(status.body().path("chainId").asString()).isEqualTo(CHAIN);
        assertThat(status.body().path("isLeader").asBoolean()).isTrue();
        assertThat(status.body().path("leader").asString()).isEqualTo("n0");
        assertThat(status.body().path("blockIntervalMillis").asLong()).isEqualTo(100);

        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("vyoma_block_height ")
                .contains("vyoma_transactions_total{result=\"ok\"}")
                .contains("vyoma_block_apply_seconds_bucket")
                .contains("vyoma_mempool_transactions ")
                .contains("vyoma_raft_leader 1.0")
                .contains("jvm_memory_used_bytes");

        Answer openapi = get("/openapi.json");
        assertThat(openapi.body().path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(openapi.body().path("paths").has("/v1/txs")).isTrue();
    }

    @Test
    void aBatchIsAdmittedInOrderWithAnOutcomeEach() throws Exception {
        SignedTx a = nextSend(1);
        SignedTx b = nextSend(1);
        SignedTx bad = send(CHAIN, aliceSequence, 1);
        byte[] sig = bad.signature().bytes();
        sig[3] ^= 1;
        SignedTx forged = new SignedTx(bad.tx(), new Signature(sig));
        String body = "{\"txs\":[\"" + Base64.getEncoder().encodeToString(a.encode()) + "\",\""
                + Base64.getEncoder().encodeToString(b.encode()) + "\",\""
                + Base64.getEncoder().encodeToString(forged.encode()) + "\"]}";
        Answer r = post("/v1/txs/batch", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        JsonNode results = r.body().path("results");
        assertThat(results.get(0).path("status").asString()).isEqualTo("pending");
        assertThat(results.get(1).path("status").asString()).isEqualTo("pending");
        assertThat(results.get(2).path("error").path("name").asString()).isEqualTo("unauthorized");
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> get("/v1/txs/" + b.hashHex()).status() == 200);

        Answer notAList = post("/v1/txs/batch", "{\"txs\": 3}".getBytes(StandardCharsets.UTF_8));
        assertThat(notAList.status()).isEqualTo(400);
        Answer garbage = post("/v1/txs/batch", "{\"txs\": [\"AAAA\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.errorMessage()).startsWith("txs[0] is not a signed transaction");
    }

    /** The first {@code n} SSE events (id, event, data) of a stream opened with {@code header}, if any. */
    private List<String[]> events(String query, String lastEventId, int n) throws Exception {
        return events(query, lastEventId, n, null);
    }

    /** Reads until {@code n} events, or until one of type {@code stopAt} (if given), whichever comes first. */
    private List<String[]> events(String query, String lastEventId, int n, String stopAt) throws Exception {
        return read(openEvents(query, lastEventId), n, stopAt);
    }

    /**
     * Opens an event stream; it returns once the node answered, when the stream's start is fixed (the node
     * takes it from the request, before it answers).
     */
    private HttpResponse<java.util.stream.Stream<String>> openEvents(String query, String lastEventId)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/v1/events" + query))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.util.stream.Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    private static List<String[]> read(HttpResponse<java.util.stream.Stream<String>> r, int n, String stopAt) {
        List<String[]> out = new java.util.ArrayList<>();
        try (java.util.stream.Stream<String> lines = r.body()) {
            java.util.Iterator<String> it = lines.iterator();
            String id = null;
            String event = null;
            while (out.size() < n && it.hasNext()) {
                String line = it.next();
                if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    out.add(new String[] {id, event, line.substring(5).trim()});
                    if (event != null && event.equals(stopAt)) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void eventsStreamFromAHeightAndResumeWhereTheClientLeftOff() throws Exception {
        SignedTx tx = nextSend(7);
        Answer r = submit(tx, "?wait=commit");
        long height = r.body().path("height").asLong();

        List<String[]> fromThere = events("?from=" + height, null, 3);
        // The block's events in order (the fee, the transfer), then its end marker.
        assertThat(fromThere).extracting(e -> e[1]).containsExactly("FeePaid", "Transfer", "block");
        assertThat(fromThere).extracting(e -> e[0]).containsExactly(height + ":0", height + ":1", height + ":2");
        JsonNode transfer = JSON.readTree(fromThere.get(1)[2]);
        assertThat(transfer.path("height").asLong()).isEqualTo(height);
        assertThat(transfer.path("to").asString())
                .isEqualTo(KEYS.key("bob").address().toString());
        assertThat(transfer.path("amount").path("amount").asString()).isEqualTo("7");

        // Reconnecting after the first event: the stream goes on from the second.
        List<String[]> resumed = events("", height + ":0", 2);
        assertThat(resumed).extracting(e -> e[0]).containsExactly(height + ":1", height + ":2");

        // Only the types asked for, and the block markers.
        List<String[]> transfers = events("?from=" + height + "&types=Transfer", null, 2);
        assertThat(transfers).extracting(e -> e[1]).containsExactly("Transfer", "block");

        // Live: a stream opened now sees the next transaction's events.
        HttpResponse<java.util.stream.Stream<String>> liveStream = openEvents("?types=Transfer", null);
        java.util.concurrent.CompletableFuture<List<String[]>> live =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> read(liveStream, 1_000, "Transfer"));
        SignedTx later = nextSend(8);
        assertThat(submit(later, "?wait=commit").status()).isEqualTo(200);
        List<String[]> seen = live.get(20, TimeUnit.SECONDS);
        String[] last = seen.get(seen.size() - 1);
        assertThat(last[1]).isEqualTo("Transfer");
        assertThat(JSON.readTree(last[2]).path("amount").path("amount").asString())
                .isEqualTo("8");
        assertThat(seen.subList(0, seen.size() - 1)).allMatch(e -> e[1].equals("block"));

        Answer bad = subscribe("", "garbage");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorMessage()).contains("HEIGHT:INDEX");
        Answer notSse = get("/v1/events");
        assertThat(notSse.status()).isEqualTo(406);
        assertThat(notSse.errorMessage()).contains("Accept: text/event-stream");
    }

    /** A subscription that is refused before its stream starts: the status and the error body. */
    private Answer subscribe(String query, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/v1/events" + query))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /**
     * Every number in a path, query or header has one spelling: {@code 01}, {@code +1}, upper-case hex and unknown
     * names are 400s that say what the value must look like, never another spelling of a valid value.
     */
    @Test
    void everyParameterHasOneSpellingAndOthersAre400s() throws Exception {
        long height = node.height();
        assertThat(get("/v1/blocks/" + height).status()).isEqualTo(200);
        for (String alias : List.of("0" + height, "+" + height, "%2B" + height, height + "%20", "1%2F2")) {
            Answer a = get("/v1/blocks/" + alias);
            assertThat(a.status()).as(alias).isEqualTo(400);
            assertThat(a.errorMessage()).as(alias).contains("height is a whole number from 1");
        }
        SignedTx tx = nextSend(4);
        assertThat(submit(tx, "?wait=commit&timeout=20").status()).isEqualTo(200);
        assertThat(get("/v1/txs/" + tx.hashHex()).status()).isEqualTo(200);
        Answer upper = get("/v1/txs/" + tx.hashHex().toUpperCase(java.util.Locale.ROOT));
        assertThat(upper.status()).isEqualTo(400);
        assertThat(upper.errorMessage()).contains("lower-case hex");
        SignedTx refused = nextSend(1);
        Answer timeout = submit(refused, "?wait=commit&timeout=030");
        assertThat(timeout.status()).isEqualTo(400);
        assertThat(timeout.errorMessage()).contains("timeout (seconds) is a whole number from 1 to 60");
        // Refused before admission: the same transaction is new to the node afterwards.
        assertThat(submit(refused, "?wait=commit").status()).isEqualTo(200);

        Answer from = subscribe("?from=01", null);
        assertThat(from.status()).isEqualTo(400);
        assertThat(from.errorMessage()).contains("from (a height)");
        Answer resume = subscribe("", "1:+0");
        assertThat(resume.status()).isEqualTo(400);
        assertThat(resume.errorMessage()).contains("the index in Last-Event-ID");
        Answer types = subscribe("?types=Transfer,Nothing", null);
        assertThat(types.status()).isEqualTo(400);
        assertThat(types.errorMessage()).contains("\"Nothing\" is not one");
        assertHealthy();
    }

    @Test
    void withoutWaitingTheAnswerIsPendingThenTheResult() throws Exception {
        SignedTx tx = nextSend(3);
        Answer r = submit(tx, "");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("status").asString()).isEqualTo("pending");
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> get("/v1/txs/" + tx.hashHex()).status() == 200);
    }

    @Test
    void badInputIsA4xxWithAReasonAndTheNodeStaysHealthy() throws Exception {
        Answer malformed = post("/v1/txs", "{\"tx\": ".getBytes(StandardCharsets.UTF_8));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorName()).isEqualTo("tx_malformed");
        assertThat(malformed.errorMessage()).startsWith("the body is not JSON");

        Answer noTx = post("/v1/txs", "{\"transaction\": \"abc\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(noTx.status()).isEqualTo(400);
        assertThat(noTx.errorMessage()).contains("{\"tx\"");

        Answer notBase64 = post("/v1/txs", "{\"tx\": \"***\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(notBase64.status()).isEqualTo(400);
        assertThat(notBase64.errorMessage()).startsWith("tx is not base64");

        SignedTx good = send(CHAIN, aliceSequence, 1);
        byte[] sig = good.signature().bytes();
        sig[10] ^= 1;
        Answer badSignature = submit(new SignedTx(good.tx(), new Signature(sig)), "");
        assertThat(badSignature.status()).isEqualTo(400);
        assertThat(badSignature.errorName()).isEqualTo("unauthorized");

        Answer wrongChain = submit(send("another-chain", aliceSequence, 1), "");
        assertThat(wrongChain.status()).isEqualTo(400);
        assertThat(wrongChain.errorName()).isEqualTo("wrong_chain_id");
        assertThat(wrongChain.errorMessage()).contains("another-chain").contains(CHAIN);

        SignedTx first = nextSend(2);
        assertThat(submit(first, "?wait=commit").status()).isEqualTo(200);
        Answer replayed = submit(first, "");
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.errorName()).isEqualTo("wrong_sequence");

        SignedTx pending = nextSend(2);
        assertThat(submit(pending, "").status()).isIn(202);
        Answer twice = submit(pending, "");
        // Still in the pool (409), or already in a block, and then a replay (400).
        assertThat(twice.status()).isIn(400, 409);

        byte[] huge = new byte[(int) Api.MAX_REQUEST_BYTES + 1024];
        Arrays.fill(huge, (byte) 'a');
        Answer oversized = post("/v1/txs", huge);
        assertThat(oversized.status()).isEqualTo(413);
        assertThat(oversized.errorMessage()).isNotBlank();

        // A message kind this node does not know: the wire names the variant "Send"; call it "Sxnd".
        byte[] wire = nextSend(1).encode();
        aliceSequence--;
        int at = indexOf(wire, "Send".getBytes(StandardCharsets.UTF_8));
        wire[at + 1] = 'x';
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(wire) + "\"}";
        Answer unknownKind = post("/v1/txs", body.getBytes(StandardCharsets.UTF_8));
        assertThat(unknownKind.status()).isEqualTo(400);
        assertThat(unknownKind.errorName()).isEqualTo("tx_malformed");
        assertThat(unknownKind.errorMessage()).contains("Sxnd");

        Answer badHash = get("/v1/txs/xyz");
        assertThat(badHash.status()).isEqualTo(400);
        assertThat(get("/v1/txs/" + "0".repeat(64)).status()).isEqualTo(404);
        assertThat(get("/v1/blocks/0").status()).isEqualTo(400);
        assertThat(get("/v1/blocks/abc").status()).isEqualTo(400);
        assertThat(get("/v1/blocks/999999999").status()).isEqualTo(404);
        Answer badAddress = get("/v1/accounts/vyoma1notanaddress");
        assertThat(badAddress.status()).isEqualTo(400);
        assertThat(badAddress.errorName()).isEqualTo("invalid_address");
        Answer noEndpoint = get("/v1/nothing");
        assertThat(noEndpoint.status()).isEqualTo(404);
        assertThat(noEndpoint.errorMessage()).contains("/v1/nothing");

        assertHealthy();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}

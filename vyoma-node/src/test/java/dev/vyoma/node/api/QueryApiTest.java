package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.testkit.Fixtures;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ledger's queries over HTTP, on a chain where a provider bid on a deployment and won the lease. */
class QueryApiTest {
    private static final String CHAIN = "vyoma-query-test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Address, Long> sequences = new HashMap<>();
    private int port;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("query");

    private JsonNode get(int status, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private void commit(String signer, Msg msg) throws Exception {
        KeyPair k = KEYS.key(signer);
        long seq = sequences.merge(k.address(), 1L, Long::sum) - 1;
        Tx tx = new Tx(CHAIN, k.publicKey(), seq, new Coin("uvyo", 100_000), List.of(msg), "");
        SignedTx signed = new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(signed.encode()) + "\"}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/txs?wait=commit"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(r.body()).path("ok").asBoolean()).as(r.body()).isTrue();
    }

    @Test
    void everyEntityByIdAndTheLists() throws Exception {
        int raft;
        try (ServerSocket s = new ServerSocket(0)) {
            raft = s.getLocalPort();
        }
        List<Coin> coins = List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000));
        Genesis genesis = new Genesis(
                CHAIN,
                1_700_000_000_000L,
                Params.defaults(),
                List.of(
                        new Genesis.Allocation(KEYS.key("tenant").address(), coins),
                        new Genesis.Allocation(KEYS.key("provider").address(), coins)));
        try (Node node = Node.start(new Node.Config(
                        home,
                        "n0",
                        List.of(new Node.Peer("n0", "127.0.0.1:" + raft)),
                        genesis,
                        KEYS.key("validator").address(),
                        Duration.ofMillis(100),
                        1_000,
                        100,
                        Mempool.Limits.defaults()));
                Api api = Api.start(node, "127.0.0.1", 0)) {
            port = api.port();
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            Address tenant = KEYS.key("tenant").address();
            Address provider = KEYS.key("provider").address();
            SdlDocument doc = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();

            commit(
                    "provider",
                    new Msg.CreateProvider(
                            provider,
                            "https://provider.example.com:8443",
                            List.of(new Attribute("region", "eu")),
                            "",
                            ""));
            DeploymentId dep = new DeploymentId(tenant, 7);
            commit(
                    "tenant",
                    new Msg.CreateDeployment(
                            dep, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
            OrderId order = new OrderId(new GroupId(dep, 1), 1);
            commit(
                    "provider",
                    new Msg.CreateBid(
                            order, provider, new DecCoin("uusd", new BigDecimal("12.5")), new Coin("uvyo", 500_000)));
            String orderPath = tenant + "/7/1/1";

            JsonNode open = get(200, "/v1/orders");
            assertThat(open.path("items").get(0).path("id").path("dseq").asLong())
                    .isEqualTo(7);
            JsonNode bids = get(200, "/v1/bids?order=" + orderPath);
            assertThat(bids.path("items").get(0).path("price").path("amount").asString())
                    .isEqualTo("12.5");
            assertThat(bids.path("items").get(0).path("id").path("provider").asString())
                    .isEqualTo(provider.toString());

            commit("tenant", new Msg.CreateLease(new BidId(order, provider)));

            JsonNode deployment = get(200, "/v1/deployments/" + tenant + "/7");
            assertThat(deployment.path("id").path("owner").asString()).isEqualTo(tenant.toString());
            assertThat(get(200, "/v1/deployments?owner=" + tenant + "&state=active")
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/deployments?owner=" + tenant + "&state=closed")
                            .path("items")
                            .size())
                    .isZero();
            assertThat(get(200, "/v1/groups/" + tenant + "/7/1")
                            .path("id")
                            .path("gseq")
                            .asInt())
                    .isOne();
            // Matched: the order is active (as on Akash) and no longer open for bids.
            assertThat(get(200, "/v1/orders/" + orderPath).path("state").asString())
                    .isEqualTo("active");
            assertThat(get(200, "/v1/orders").path("items").size()).isZero();
            assertThat(get(200, "/v1/bids/" + orderPath + "/" + provider)
                            .path("state")
                            .asString())
                    .isEqualTo("active");
            assertThat(get(200, "/v1/bids?provider=" + provider).path("items").size())
                    .isOne();
            JsonNode lease = get(200, "/v1/leases/" + orderPath + "/" + provider);
            assertThat(lease.path("state").asString()).isEqualTo("active");
            assertThat(get(200, "/v1/leases?owner=" + tenant + "&state=active")
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/leases?provider=" + provider).path("items").size())
                    .isOne();
            assertThat(get(200, "/v1/providers?attr=region=eu").path("items").size())
                    .isOne();
            assertThat(get(200, "/v1/providers?attr=region=us").path("items").size())
                    .isZero();
            assertThat(get(200, "/v1/providers/" + provider).path("hostUri").asString())
                    .contains("provider.example.com");
            long h = node.height();
            JsonNode escrow = get(200, "/v1/escrow/" + tenant + "/7?height=" + (h + 100));
            assertThat(escrow.path("settledAt").asLong()).isEqualTo(h + 100);

            // Inference accounts: by id, by owner, by gateway, charges, the gateway's batches.
            commit("tenant", new Msg.OpenInferenceAccount(tenant, provider, new Coin("uusd", 1_000)));
            commit(
                    "provider",
                    new Msg.ChargeInference(
                            provider,
                            1,
                            List.of(new dev.vyoma.ledger.inference.InferenceCharge(
                                    tenant, 1, 3, 4, 2_500_000, "ab".repeat(32)))));
            JsonNode account = get(200, "/v1/inference/accounts/" + tenant + "/" + provider);
            assertThat(account.path("balance").asLong()).isEqualTo(998);
            assertThat(account.path("carryPico").asLong()).isEqualTo(500_000);
            assertThat(get(200, "/v1/inference/accounts?owner=" + tenant)
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/inference/accounts?gateway=" + provider + "&state=open")
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/inference/charges/" + tenant + "/" + provider)
                            .path("items")
                            .get(0)
                            .path("paid")
                            .asLong())
                    .isEqualTo(2);
            assertThat(get(200, "/v1/inference/gateways/" + provider)
                            .path("lastBatch")
                            .asLong())
                    .isOne();
            get(404, "/v1/inference/accounts/" + provider + "/" + tenant);
            get(400, "/v1/inference/accounts");

            // Deposit grants: by granter, by grantee, one by id.
            commit("tenant", new Msg.GrantDeposit(tenant, provider, new Coin("uusd", 3_000_000), 0));
            JsonNode grant = get(200, "/v1/deposit-grants/" + tenant + "/" + provider);
            assertThat(grant.path("spendLimit").path("amount").asString()).isEqualTo("3000000");
            assertThat(grant.path("spentMicro").asLong()).isZero();
            assertThat(get(200, "/v1/deposit-grants?granter=" + tenant)
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/deposit-grants?grantee=" + provider)
                            .path("items")
                            .size())
                    .isOne();
            assertThat(get(200, "/v1/deposit-grants?grantee=" + tenant)
                            .path("items")
                            .size())
                    .isZero();
            get(404, "/v1/deposit-grants/" + provider + "/" + tenant);
            assertThat(get(400, "/v1/deposit-grants")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("granter=ADDRESS or by grantee=ADDRESS");
            get(400, "/v1/deposit-grants?granter=" + tenant + "&grantee=" + provider);
            get(400, "/v1/deposit-grants/nope/" + provider);

            // Bad ids and filters are 400s that say what is expected; absent entities are 404s.
            assertThat(get(404, "/v1/deployments/" + tenant + "/8")
                            .path("error")
                            .path("message")
                            .asString())
                    .startsWith("no deployment");
            assertThat(get(400, "/v1/deployments").path("error").path("message").asString())
                    .isEqualTo("owner is required");
            assertThat(get(400, "/v1/deployments?owner=" + tenant + "&state=sleeping")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("active");
            assertThat(get(400, "/v1/bids").path("error").path("message").asString())
                    .contains("order=");
            assertThat(get(400, "/v1/leases?owner=" + tenant + "&limit=0")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("limit");
            assertThat(get(400, "/v1/deployments/nobody/1")
                            .path("error")
                            .path("message")
                            .asString())
                    .startsWith("owner:");

            // Another spelling of a valid id is not that id: each is a 400 saying what the id must look like.
            String leasePath = "/v1/leases/" + orderPath + "/" + provider;
            for (String alias : List.of(
                    "/v1/leases/" + tenant + "/07/1/1/" + provider,
                    "/v1/leases/" + tenant + "/%2B7/1/1/" + provider,
                    "/v1/leases/" + tenant + "/7/01/1/" + provider,
                    "/v1/leases/" + tenant + "/7/1/1%2F" + provider + "%3F/" + provider,
                    "/v1/orders/" + tenant + "/7/1/1%3Fx",
                    "/v1/deployments/" + tenant + "/7%20",
                    "/v1/escrow/" + tenant + "/0x7",
                    "/v1/groups/" + tenant + "/7/+1")) {
                assertThat(get(400, alias).path("error").path("message").asString())
                        .as(alias)
                        .containsPattern("(dseq|gseq|oseq) is a whole number from 1");
            }
            assertThat(get(200, leasePath).path("id").path("dseq").asLong()).isEqualTo(7);
            assertThat(get(400, "/v1/bids?order=" + tenant + "/7/1/01")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("oseq is a whole number");
            assertThat(get(400, "/v1/bids?order=" + tenant + "/7/1")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("an id is OWNER/DSEQ/GSEQ/OSEQ");
            assertThat(get(400, "/v1/leases?owner=" + tenant + "&state=ACTIVE")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("state is one of active");
            assertThat(get(400, "/v1/leases?owner=" + tenant + "&offset=+1")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("offset is a whole number from 0");
            assertThat(get(400, "/v1/leases?owner=" + tenant + "&limit=1001")
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("limit is a whole number from 1 to 1000");
            assertThat(get(400, "/v1/providers?" + "attr=a=b&".repeat(QueryRoutes.MAX_ATTRS + 1))
                            .path("error")
                            .path("message")
                            .asString())
                    .contains("at most " + QueryRoutes.MAX_ATTRS + " attr filters");
            assertThat(get(200, "/v1/providers?" + "attr=region=eu&".repeat(QueryRoutes.MAX_ATTRS))
                            .path("items")
                            .size())
                    .isOne();
        }
    }
}

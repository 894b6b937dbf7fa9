package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code vyoma deploy topup} and {@code vyoma deploy watch} against a real chain with 100 ms blocks: a small
 * deposit kept funded for three times its run-out, alerts once per threshold, and, without top-ups, the close at
 * exactly the run-out height.
 */
class EscrowWatchTest {
    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("escrow");

    /** A lease price that empties the minimum deposit (500,000uusd) in 50 blocks. */
    private static final long PRICE = 10_000;

    private static final String SDL = """
            version: "2.0"
            services:
              web:
                image: nginx:1.27-alpine
                expose:
                  - port: 80
                    to:
                      - global: true
            profiles:
              compute:
                web:
                  resources:
                    cpu: {units: 0.5}
                    memory: {size: 512Mi}
                    storage: {size: 1Gi}
              placement:
                dcloud:
                  pricing:
                    web: {denom: uusd, amount: 10000}
            deployment:
              web:
                dcloud: {profile: web, count: 1}
            """;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keptFundedAlertedOnceAndClosedAtTheRunOutHeight() throws Exception {
        Path keys = dir.resolve("keys");
        Keyring ring = Keyring.open(keys, Keyring.Backend.TEST);
        ring.importSeed("tenant", KEYS.seed("tenant"), null);
        ring.importSeed("other", KEYS.seed("other"), null);
        ring.importSeed("provider", KEYS.seed("provider"), null);
        KeyPair tenant = ring.unlock("tenant", null);
        KeyPair other = ring.unlock("other", null);
        KeyPair provider = ring.unlock("provider", null);
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-escrow-test",
                List.of(new Coin("uusd", 1_000_000_000), new Coin("uvyo", 1_000_000_000)),
                tenant.address(),
                other.address(),
                provider.address());
        try (LocalChain chain = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100))) {
            VyomaClient c = new VyomaClient(chain.url());
            commit(c, provider, new Msg.CreateProvider(provider.address(), "https://127.0.0.1:1", List.of(), "", ""));
            String[] common = {"--node", chain.url(), "--keyring-backend", "test", "--home", keys.toString()};

            // The CLI's classes loaded before the clocks start.
            assertThat(json(cli(common, "deploy", "list", "--from", "tenant", "-o", "json"))
                            .size())
                    .isZero();

            // B, another tenant's, watched for alerts only (no --keep): the watch sends nothing and ends when the
            // network closes the deployment.
            DeploymentId b = lease(c, other, provider, 2_000);
            long runOutB = json(cli(
                            common, "deploy", "status", Long.toString(b.dseq()), "--from", "other", "-o", "json"))
                    .get(0)
                    .path("runOutHeight")
                    .asLong();
            Path alertsA = dir.resolve("alerts-a.log");
            Path alertsB = dir.resolve("alerts-b.log");
            String hook = "echo \"$VYOMA_DSEQ $VYOMA_THRESHOLD $VYOMA_RUN_OUT_HEIGHT\" >> ";
            long sequenceB = c.account(other.address()).orElseThrow().sequence();
            CompletableFuture<DevnetProcess.Run> watchB = CompletableFuture.supplyAsync(() -> DevnetProcess.cli(
                    new String[] {
                        "deploy",
                        "watch",
                        Long.toString(b.dseq()),
                        "--from",
                        "other",
                        "--alert-at",
                        "1s,500ms",
                        "--alert-cmd",
                        hook + alertsB,
                        "--for",
                        "60s"
                    },
                    common));
            // A: a small deposit, its original run-out 50 blocks after its lease.
            DeploymentId a = lease(c, tenant, provider, 1_000);
            long leasedAt = c.lease(new BidId(order(a), provider.address()))
                    .orElseThrow()
                    .path("createdAt")
                    .asLong();
            long originalRunOut =
                    dev.vyoma.client.EscrowView.read(c, a).orElseThrow().runOutHeight();
            assertThat(originalRunOut).isEqualTo(leasedAt + 500_000 / PRICE);
            long originalBlocks = originalRunOut - leasedAt;
            // A under watch --keep 1s (10 blocks ahead, each top-up 500 ms more) for three times its run-out; it
            // ends when its owner closes the deployment.
            CompletableFuture<DevnetProcess.Run> watchA = CompletableFuture.supplyAsync(() -> DevnetProcess.cli(
                    new String[] {
                        "deploy",
                        "watch",
                        Long.toString(a.dseq()),
                        "--from",
                        "tenant",
                        "--keep",
                        "1s",
                        "--step",
                        "500ms",
                        "--alert-at",
                        "600ms,300ms",
                        "--alert-cmd",
                        hook + alertsA,
                        "--for",
                        "120s"
                    },
                    common));
            String listed = cli(common, "deploy", "list", "--from", "tenant", "-o", "json");
            JsonNode rowA = json(listed).path(0);
            assertThat(rowA.path("dseq").asLong()).as(listed).isEqualTo(a.dseq());
            assertThat(rowA.path("perBlock").asString()).isEqualTo(PRICE + "uusd");
            // 100 ms blocks: 864,000 a day.
            assertThat(rowA.path("perDay").asString()).isEqualTo(PRICE * 864_000 + "uusd");
            assertThat(rowA.path("runOutHeight").asLong()).isGreaterThanOrEqualTo(originalRunOut);
            assertThat(rowA.path("runOut").asString()).contains("(in ");
            long target = leasedAt + 3 * originalBlocks + 2;
            while (c.status().height() < target) {
                assertThat(c.deployment(a).orElseThrow().path("state").asString())
                        .as("deployment A at height %d", c.status().height())
                        .isEqualTo("active");
                Thread.sleep(100);
            }
            assertThat(c.deployment(a).orElseThrow().path("state").asString()).isEqualTo("active");
            // The owner closes it (again if a concurrent top-up took the sequence number); the watch ends.
            await().atMost(10, TimeUnit.SECONDS)
                    .ignoreExceptions()
                    .until(() -> c.broadcast(c.sign(tenant, List.of(new Msg.CloseDeployment(a)), ""), true)
                            .ok());
            DevnetProcess.Run endedA = watchA.get(30, TimeUnit.SECONDS);
            assertThat(endedA.code()).as(endedA.err()).isZero();
            assertThat(endedA.err()).contains("topped up", "closed by its owner");
            assertThat(c.deployment(a).orElseThrow().path("closedAt").asLong()).isGreaterThanOrEqualTo(target);
            // Kept 10 blocks ahead: never within the 6- and 3-block alert thresholds.
            assertThat(alertsA).doesNotExist();

            // B ran out at exactly the height the CLI showed when its lease began, and the watch saw it.
            DevnetProcess.Run endedB = watchB.get(60, TimeUnit.SECONDS);
            assertThat(endedB.code()).as(endedB.err()).isZero();
            assertThat(endedB.err())
                    .contains("deployment " + b.dseq() + " closed at height " + runOutB + ": its escrow ran out");
            JsonNode closedB = c.deployment(b).orElseThrow();
            assertThat(closedB.path("state").asString()).isEqualTo("closed");
            assertThat(closedB.path("closedAt").asLong()).isEqualTo(runOutB);
            JsonNode leaseB = c.lease(new BidId(order(b), provider.address())).orElseThrow();
            assertThat(leaseB.path("state").asString()).isEqualTo("insufficient_funds");
            assertThat(leaseB.path("closedAt").asLong()).isEqualTo(runOutB);
            // The alert-only watch sent no transaction; each threshold fired once, with the run-out height.
            assertThat(c.account(other.address()).orElseThrow().sequence()).isEqualTo(sequenceB);
            assertThat(Files.readAllLines(alertsB))
                    .containsExactly(b.dseq() + " 1s " + runOutB, b.dseq() + " 500ms " + runOutB);

            // topup --keep: one deposit, and the run-out exactly that far from the block it landed in.
            DeploymentId d = lease(c, tenant, provider, 3_000);
            JsonNode topped = json(cli(
                    common,
                    "deploy",
                    "topup",
                    Long.toString(d.dseq()),
                    "--from",
                    "tenant",
                    "--keep",
                    "5s",
                    "-o",
                    "json"));
            assertThat(topped.path("deposited").asString()).isNotEqualTo("0uusd");
            assertThat(topped.path("runOutHeight").asLong()
                            - topped.path("landedAt").asLong())
                    .isEqualTo(50);
            DevnetProcess.Run bad = DevnetProcess.cli(
                    new String[] {"deploy", "topup", Long.toString(d.dseq()), "--from", "tenant", "--keep", "-5s"},
                    common);
            assertThat(bad.code()).isEqualTo(Main.USER_ERROR);
            assertThat(bad.err()).contains("--keep is a positive duration");
        }
    }

    /** Posts a deployment with the minimum deposit and leases it from {@code provider} at {@link #PRICE}. */
    private static DeploymentId lease(VyomaClient c, KeyPair tenant, KeyPair provider, long dseq) throws Exception {
        SdlDocument doc = Sdl.parse(SDL, "escrow.yaml").document();
        DeploymentId id = new DeploymentId(tenant.address(), dseq);
        commit(
                c,
                tenant,
                new Msg.CreateDeployment(id, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", 500_000)));
        commit(
                c,
                provider,
                new Msg.CreateBid(
                        order(id),
                        provider.address(),
                        new DecCoin("uusd", BigDecimal.valueOf(PRICE)),
                        new Coin("uvyo", 500_000)));
        commit(c, tenant, new Msg.CreateLease(new BidId(order(id), provider.address())));
        return id;
    }

    private static OrderId order(DeploymentId id) {
        return new OrderId(new GroupId(id, 1), 1);
    }

    private static void commit(VyomaClient c, KeyPair key, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(key, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    private static String cli(String[] common, String... args) {
        DevnetProcess.Run r = DevnetProcess.cli(args, common);
        assertThat(r.code()).as(r.err()).isZero();
        return r.out();
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}

package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
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
import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A provider with shortened timeouts on a real one-node chain, as a tenant sees it: a bid no lease takes is closed
 * and its capacity bid again; a won lease that gets no manifest is closed with reason 10003 and its capacity bid
 * again; a lease that got its manifest is left alone; after a restart neither wait is forgotten.
 */
class ProviderTimeoutsTest {
    private static final Duration BID_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration MANIFEST_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("provider-timeouts");

    /** Room for exactly two of the web example's replicas (0.5 CPU each): a third order finds it full. */
    private static final String CONFIG = """
            node: NODE
            key: provider
            keyringBackend: test
            host: auto
            bidDeposit: 500000uvyo
            withdrawEverySeconds: 60
            bidTimeout: 4s
            manifestTimeout: 3s
            gateway: 127.0.0.1:0
            ingress: 127.0.0.1:0
            inventory:
              nodes:
                - {name: node-0, cpu: 1, memory: 2Gi, storage: 4Gi}
            pricing: {denom: uusd, cpu: 100, memoryGi: 50, storageGi: {ephemeral: 1}, endpoint: 1}
            """;

    private final KeyPair tenant = KEYS.key("tenant");
    private final KeyPair provider = KEYS.key("provider");
    private SdlDocument web;
    private VyomaClient c;
    private long dseq;

    private LocalChain startChain(String chainId) throws Exception {
        web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
        LocalChain local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        chainId,
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        tenant.address(),
                        provider.address()),
                Duration.ofMillis(100));
        c = new VyomaClient(local.url());
        Files.writeString(dir.resolve("provider.yaml"), CONFIG.replace("NODE", local.url()));
        return local;
    }

    private ProviderDaemon startProvider() throws Exception {
        return ProviderDaemon.start(
                ProviderConfig.read(dir.resolve("provider.yaml")), provider, dir.resolve("provider"));
    }

    private void ok(KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    /** A new deployment of the web example; its one order. */
    private OrderId deploy() {
        DeploymentId id = new DeploymentId(tenant.address(), ++dseq);
        ok(
                tenant,
                new Msg.CreateDeployment(id, web.groups(), web.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
        return new OrderId(new GroupId(id, 1), 1);
    }

    private static Optional<BidDaemon.OrderState> awaitDecision(ProviderDaemon daemon, OrderId order) {
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> daemon.bids().order(order).isPresent());
        return daemon.bids().order(order);
    }

    private JsonNode bid(OrderId order) {
        return c.getJson("/v1/bids/" + new BidId(order, provider.address())).orElseThrow();
    }

    private JsonNode lease(OrderId order) {
        return c.lease(new BidId(order, provider.address())).orElseThrow();
    }

    private Instant blockTime(long height) {
        return Instant.parse(
                c.getJson("/v1/blocks/" + height).orElseThrow().path("time").asString());
    }

    private static String state(JsonNode n) {
        return n.path("state").asString();
    }

    private static int reason(JsonNode n) {
        JsonNode r = n.path("reason");
        return r.isInt() ? r.asInt() : r.path("code").asInt();
    }

    @Test
    void whatWaitsTooLongIsClosedAndItsCapacityBidAgain() throws Exception {
        try (LocalChain local = startChain("vyoma-timeouts-test");
                ProviderDaemon daemon = startProvider()) {
            try {
                timeouts(daemon);
            } finally {
                // The served lease's replica is a process: nothing the provider started may outlive the test.
                daemon.stopWorkloads();
            }
        }
    }

    private void timeouts(ProviderDaemon daemon) throws Exception {
        ProviderGateway gateway = new ProviderGateway(c);

        // A lease that gets its manifest at once: it runs on, well past both timeouts.
        OrderId served = deploy();
        assertThat(awaitDecision(daemon, served)).contains(BidDaemon.OrderState.BID);
        ok(tenant, new Msg.CreateLease(new BidId(served, provider.address())));
        String servedLease = new BidId(served, provider.address()).toString();
        gateway.sendManifest(
                tenant,
                servedLease,
                dev.vyoma.sdl.json.JsonWriter.compact(dev.vyoma.sdl.manifest.AkashJson.manifest(web.manifest())));

        // A lease that never gets one: the tenant sees the provider wait for it, with the deadline.
        OrderId silent = deploy();
        assertThat(awaitDecision(daemon, silent)).contains(BidDaemon.OrderState.BID);
        ok(tenant, new Msg.CreateLease(new BidId(silent, provider.address())));
        String silentLease = new BidId(silent, provider.address()).toString();
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> daemon.bids().manifestDeadline(silent).isPresent());
        Instant manifestDeadline = daemon.bids().manifestDeadline(silent).orElseThrow();
        assertThat(gateway.leaseEvents(tenant, silentLease).path("events").toString())
                .contains("lease won; waiting for the manifest until " + manifestDeadline)
                .contains("manifest timeout 3s");
        assertThat(daemon.bids().manifestDeadline(served)).isEmpty();

        // Both leases hold the whole inventory: a third order gets no bid.
        OrderId full = deploy();
        assertThat(awaitDecision(daemon, full)).contains(BidDaemon.OrderState.SKIPPED);

        // The silent lease is closed by the provider, with its reason, not before its deadline.
        await().atMost(MANIFEST_TIMEOUT.plusSeconds(10))
                .until(() -> state(lease(silent)).equals("closed"));
        JsonNode closed = lease(silent);
        assertThat(reason(closed)).as(closed.toString()).isEqualTo(10003);
        assertThat(blockTime(closed.path("closedAt").asLong())).isAfterOrEqualTo(manifestDeadline);
        assertThat(blockTime(closed.path("closedAt").asLong())).isBefore(manifestDeadline.plusSeconds(5));
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> daemon.inventory().status().reservations() == 1);

        // Its capacity is offered again: a new order that needs it gets a bid.
        OrderId again = deploy();
        assertThat(awaitDecision(daemon, again)).contains(BidDaemon.OrderState.BID);
        Instant bidDeadline = daemon.bids().bidDeadline(again).orElseThrow();
        // Nobody takes that bid: the provider closes it after the bid timeout and releases what it held.
        await().atMost(BID_TIMEOUT.plusSeconds(10))
                .until(() -> state(bid(again)).equals("closed"));
        JsonNode closedBid = bid(again);
        assertThat(blockTime(closedBid.path("closedAt").asLong())).isAfterOrEqualTo(bidDeadline);
        assertThat(blockTime(closedBid.path("closedAt").asLong())).isBefore(bidDeadline.plusSeconds(5));
        assertThat(state(c.getJson("/v1/orders/" + again).orElseThrow())).isEqualTo("open");
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> daemon.inventory().status().reservations() == 1);
        OrderId afterBid = deploy();
        assertThat(awaitDecision(daemon, afterBid)).contains(BidDaemon.OrderState.BID);

        // The lease that got its manifest is still active and answers: it was never a candidate.
        assertThat(state(lease(served))).isEqualTo("active");
        assertThat(gateway.leaseStatus(tenant, servedLease).path("manifest").asString())
                .isEqualTo("accepted");
    }

    @Test
    void aRestartForgetsNeitherWait() throws Exception {
        try (LocalChain local = startChain("vyoma-timeouts-restart-test")) {
            OrderId silent;
            OrderId open;
            try (ProviderDaemon daemon = startProvider()) {
                silent = deploy();
                assertThat(awaitDecision(daemon, silent)).contains(BidDaemon.OrderState.BID);
                ok(tenant, new Msg.CreateLease(new BidId(silent, provider.address())));
                open = deploy();
                assertThat(awaitDecision(daemon, open)).contains(BidDaemon.OrderState.BID);
                await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> daemon.bids().manifestDeadline(silent).isPresent());
            }
            // Down for longer than either timeout: nothing was closed while nobody watched.
            Thread.sleep(BID_TIMEOUT.plusSeconds(1).toMillis());
            assertThat(state(lease(silent))).isEqualTo("active");
            assertThat(state(bid(open))).isEqualTo("open");

            Instant restarted = Instant.now();
            try (ProviderDaemon daemon = startProvider()) {
                // The bid's deadline passed while the provider was down (counted from its block): closed at once.
                await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> state(bid(open)).equals("closed"));
                // The lease waits one whole manifest timeout from the restart, then is closed with reason 10003.
                assertThat(daemon.bids().manifestDeadline(silent).orElseThrow())
                        .isAfterOrEqualTo(restarted.plus(MANIFEST_TIMEOUT));
                await().atMost(MANIFEST_TIMEOUT.plusSeconds(10))
                        .until(() -> state(lease(silent)).equals("closed"));
                assertThat(reason(lease(silent))).isEqualTo(10003);
                assertThat(blockTime(lease(silent).path("closedAt").asLong()))
                        .isAfterOrEqualTo(restarted.plus(MANIFEST_TIMEOUT));
                await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> daemon.inventory().status().reservations() == 0);
                assertThat(daemon.inventory().status().cpuFreeMillis()).isEqualTo(1_000);
            }
            // Once more: the order whose bid was closed is still open, and is not bid on again.
            assertThat(state(c.getJson("/v1/orders/" + open).orElseThrow())).isEqualTo("open");
            try (ProviderDaemon daemon = startProvider()) {
                assertThat(daemon.bids().order(open)).contains(BidDaemon.OrderState.SKIPPED);
                assertThat(daemon.bids().whySkipped(open)).contains("this provider's bid on it was closed");
                assertThat(daemon.inventory().status().reservations()).isZero();
            }
        }
    }
}

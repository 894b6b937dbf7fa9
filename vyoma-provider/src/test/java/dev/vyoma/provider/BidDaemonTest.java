package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.testkit.Fixtures;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bidding loop against a real one-node chain: it bids, wins, and frees the capacity when the lease ends. */
class BidDaemonTest {
    private static final long GI = 1L << 30;

    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("daemon");

    private static void ok(VyomaClient c, KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    @Test
    void bidsWinsAndGivesTheCapacityBack() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-daemon-test",
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                tenant.address(),
                provider.address(),
                KEYS.key("auditor").address());
        try (LocalChain local = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100))) {
            String url = local.url();
            VyomaClient c = new VyomaClient(url);
            List<Attribute> attributes = List.of(new Attribute("region", "eu"));
            ok(
                    c,
                    provider,
                    new Msg.CreateProvider(
                            provider.address(), "https://provider.example.com:8443", attributes, "", ""));

            // An order open before the daemon starts (caught up), and one after (followed).
            SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
            DeploymentId early = new DeploymentId(tenant.address(), 1);
            ok(
                    c,
                    tenant,
                    new Msg.CreateDeployment(
                            early, web.groups(), web.manifestVersion().hex(), new Coin("uusd", 5_000_000)));

            Inventory inventory = new Inventory(
                    List.of(new Inventory.NodeSpec("node-0", 4_000, 8 * GI, 100 * GI, List.of(), Set.of())), Map.of());
            PriceList prices = new PriceList(
                    "uusd",
                    new BigDecimal("100"),
                    new BigDecimal("50"),
                    Map.of("ephemeral", BigDecimal.ONE),
                    Map.of(),
                    BigDecimal.ONE);
            BidEngine engine = new BidEngine(inventory, prices);
            BidDaemon.Settings settings =
                    new BidDaemon.Settings(url, provider, new Coin("uvyo", 500_000), dir.resolve("cursor"));
            try (BidDaemon daemon =
                    new BidDaemon(settings, engine, new BidEngine.Profile(attributes, List.of())).start()) {
                OrderId earlyOrder = new OrderId(new GroupId(early, 1), 1);
                OrderId earlyKey = earlyOrder;
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.order(earlyKey).isPresent());
                assertThat(daemon.order(earlyKey)).contains(BidDaemon.OrderState.BID);

                DeploymentId late = new DeploymentId(tenant.address(), 2);
                ok(
                        c,
                        tenant,
                        new Msg.CreateDeployment(
                                late, web.groups(), web.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
                OrderId lateOrder = new OrderId(new GroupId(late, 1), 1);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.order(lateOrder).isPresent());
                // 0.5 CPU × 100 + 0.5 GiB × 50 + 1 GiB ephemeral × 1 + 1 endpoint × 1, per block.
                var bids = c.getJson("/v1/bids?order=" + lateOrder.toString())
                        .orElseThrow()
                        .path("items");
                assertThat(bids.get(0).path("price").path("amount").asString()).isEqualTo("77");
                assertThat(inventory.status().reservations()).isEqualTo(2);

                // The tenant takes the late bid and closes the early deployment: one reservation stays.
                ok(c, tenant, new Msg.CreateLease(new BidId(lateOrder, provider.address())));
                ok(c, tenant, new Msg.CloseDeployment(early));
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.order(lateOrder).equals(java.util.Optional.of(BidDaemon.OrderState.WON))
                                && inventory.status().reservations() == 1);

                // The lease ends: everything is free again.
                ok(c, tenant, new Msg.CloseDeployment(late));
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> inventory.status().reservations() == 0);
                assertThat(inventory.status().cpuFreeMillis()).isEqualTo(4_000);

                // An order that requires an auditor's signature: no bid until the auditor signs, then a bid.
                KeyPair auditor = KEYS.key("auditor");
                String signedSdl = Fixtures.webSdl()
                        .replace(
                                "    dcloud:\n      pricing:",
                                "    dcloud:\n      attributes:\n        region: eu\n      signedBy:\n        anyOf:\n          - "
                                        + auditor.address() + "\n      pricing:");
                SdlDocument signed = Sdl.parse(signedSdl, "signed.yaml").document();
                DeploymentId needsAudit = new DeploymentId(tenant.address(), 4);
                ok(
                        c,
                        tenant,
                        new Msg.CreateDeployment(
                                needsAudit,
                                signed.groups(),
                                signed.manifestVersion().hex(),
                                new Coin("uusd", 5_000_000)));
                OrderId auditKey = new OrderId(new GroupId(needsAudit, 1), 1);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.order(auditKey).isPresent());
                assertThat(daemon.order(auditKey)).contains(BidDaemon.OrderState.SKIPPED);
                assertThat(daemon.whySkipped(auditKey).orElseThrow()).contains("auditor");
                ok(c, auditor, new Msg.SignProviderAttributes(auditor.address(), provider.address(), attributes));
                DeploymentId audited = new DeploymentId(tenant.address(), 5);
                ok(
                        c,
                        tenant,
                        new Msg.CreateDeployment(
                                audited,
                                signed.groups(),
                                signed.manifestVersion().hex(),
                                new Coin("uusd", 5_000_000)));
                OrderId auditedKey = new OrderId(new GroupId(audited, 1), 1);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.order(auditedKey).isPresent());
                assertThat(daemon.order(auditedKey))
                        .as(daemon.whySkipped(auditedKey).orElse(""))
                        .contains(BidDaemon.OrderState.BID);

                // An order this provider cannot serve gets no bid, with the reason kept.
                String eu = Fixtures.webSdl()
                        .replace(
                                "    dcloud:\n      pricing:",
                                "    dcloud:\n      attributes:\n        region: us\n      pricing:");
                SdlDocument us = Sdl.parse(eu, "us.yaml").document();
                DeploymentId elsewhere = new DeploymentId(tenant.address(), 3);
                ok(
                        c,
                        tenant,
                        new Msg.CreateDeployment(
                                elsewhere, us.groups(), us.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
                OrderId k = new OrderId(new GroupId(elsewhere, 1), 1);
                await().atMost(20, TimeUnit.SECONDS).until(() -> daemon.order(k).isPresent());
                assertThat(daemon.order(k)).contains(BidDaemon.OrderState.SKIPPED);
                assertThat(daemon.whySkipped(k).orElseThrow()).contains("region=us");
            }
            assertThat(Files.readString(dir.resolve("cursor"))).matches("\\d+:\\d+\\s*");
        }
    }
}

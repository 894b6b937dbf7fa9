package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.testkit.Fixtures;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bidder's timeouts when its view of the chain lags (its event stream stopped): what the chain says decides. A
 * bid a lease took meanwhile is not closed (closing it would end the tenant's new lease), nor is a lease its tenant
 * closed; a bid still open is closed and its reservation released. The bidder's clock is the test's.
 */
class BidTimeoutRaceTest {
    private static final long GI = 1L << 30;

    @TempDir
    Path dir;

    /** A clock that moves only when told. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("bid-race");

    private static void ok(VyomaClient c, KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    @Test
    void theChainNotTheLaggingViewDecidesWhatIsClosed() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        try (LocalChain local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        "vyoma-bid-race",
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        tenant.address(),
                        provider.address()),
                Duration.ofMillis(100))) {
            VyomaClient c = new VyomaClient(local.url());
            ok(
                    c,
                    provider,
                    new Msg.CreateProvider(provider.address(), "https://p.example.com:8443", List.of(), "", ""));
            SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
            Inventory inventory = new Inventory(
                    List.of(new Inventory.NodeSpec("node-0", 4_000, 8 * GI, 100 * GI, List.of(), Set.of())), Map.of());
            BidEngine engine = new BidEngine(
                    inventory,
                    new PriceList(
                            "uusd",
                            new BigDecimal("100"),
                            new BigDecimal("50"),
                            Map.of("ephemeral", BigDecimal.ONE),
                            Map.of(),
                            BigDecimal.ONE));
            ManualClock clock = new ManualClock();
            ProviderConfig.Timeouts timeouts =
                    new ProviderConfig.Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(5));
            BidDaemon daemon = new BidDaemon(
                            new BidDaemon.Settings(
                                    local.url(), provider, new Coin("uvyo", 500_000), dir.resolve("cursor"), timeouts),
                            engine,
                            new BidEngine.Profile(List.of(), List.of()),
                            clock,
                            lease -> false)
                    .start();
            OrderId taken;
            OrderId open;
            OrderId won;
            try {
                won = order(c, tenant, web, 1);
                taken = order(c, tenant, web, 2);
                open = order(c, tenant, web, 3);
                for (OrderId o : List.of(won, taken, open)) {
                    await().atMost(20, TimeUnit.SECONDS)
                            .until(() -> daemon.order(o).equals(java.util.Optional.of(BidDaemon.OrderState.BID)));
                }
                ok(c, tenant, new Msg.CreateLease(new BidId(won, provider.address())));
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.manifestDeadline(won).isPresent());
            } finally {
                // From here on the bidder hears nothing from the chain.
                daemon.close();
            }
            // Meanwhile a lease takes one bid, and the tenant of the won lease closes it.
            ok(c, tenant, new Msg.CreateLease(new BidId(taken, provider.address())));
            ok(c, tenant, new Msg.CloseLease(new BidId(won, provider.address())));
            assertThat(inventory.status().reservations()).isEqualTo(3);

            // Not yet: nothing is due a second before the deadlines.
            clock.advance(Duration.ofMinutes(5).minusSeconds(1));
            assertThat(daemon.closeExpired()).isZero();
            clock.advance(Duration.ofSeconds(2));
            // Only the bid still open is closed, with its reservation; the new lease and the closed one are left be.
            assertThat(daemon.closeExpired()).isEqualTo(1);
            assertThat(bidState(c, open, provider)).isEqualTo("closed");
            assertThat(c.lease(new BidId(taken, provider.address()))
                            .orElseThrow()
                            .path("state")
                            .asString())
                    .isEqualTo("active");
            assertThat(inventory.status().reservations()).isEqualTo(2);
            // Handed out once: nothing more to close.
            assertThat(daemon.closeExpired()).isZero();
        }
    }

    private static OrderId order(VyomaClient c, KeyPair tenant, SdlDocument web, long dseq) {
        DeploymentId id = new DeploymentId(tenant.address(), dseq);
        ok(
                c,
                tenant,
                new Msg.CreateDeployment(id, web.groups(), web.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
        return new OrderId(new GroupId(id, 1), 1);
    }

    private static String bidState(VyomaClient c, OrderId order, KeyPair provider) {
        return c.getJson("/v1/bids/" + new BidId(order, provider.address()))
                .orElseThrow()
                .path("state")
                .asString();
    }
}

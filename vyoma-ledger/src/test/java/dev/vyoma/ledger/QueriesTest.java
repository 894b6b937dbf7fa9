package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queries by id and the filtered, paginated lists. */
class QueriesTest {
    @Test
    void listsFilterAndPage() {
        TestChain c = new TestChain(Map.of(
                "tenant", List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 10_000_000)),
                "provider", List.of(new Coin("uvyo", 10_000_000))));
        c.ok(c.tx(
                "provider",
                new Msg.CreateProvider(
                        c.addr("provider"), "https://p.example.com", List.of(new Attribute("region", "eu")), "", "")));
        SdlDocument doc = TestChain.sdl("100");
        for (long dseq = 1; dseq <= 5; dseq++) {
            c.ok(c.tx(
                    "tenant",
                    new Msg.CreateDeployment(
                            new DeploymentId(c.addr("tenant"), dseq),
                            doc.groups(),
                            doc.manifestVersion().hex(),
                            new Coin("uusd", 1_000_000))));
        }
        OrderId order = new OrderId(new GroupId(new DeploymentId(c.addr("tenant"), 3), 1), 1);
        c.ok(c.tx(
                "provider",
                new Msg.CreateBid(
                        order, c.addr("provider"), new DecCoin("uusd", BigDecimal.TEN), new Coin("uvyo", 500_000))));
        BidId lease = new BidId(order, c.addr("provider"));
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        c.ok(c.tx("tenant", new Msg.CloseDeployment(new DeploymentId(c.addr("tenant"), 5))));

        Queries q = new Queries(c.ledger.state());
        assertThat(q.deploymentsByOwner(c.addr("tenant"), null, 0, 10).items()).hasSize(5);
        assertThat(q.deploymentsByOwner(c.addr("tenant"), DeploymentState.ACTIVE, 0, 10)
                        .items())
                .hasSize(4);
        var first = q.deploymentsByOwner(c.addr("tenant"), null, 0, 2);
        assertThat(first.items()).hasSize(2);
        assertThat(first.more()).isTrue();
        assertThat(q.deploymentsByOwner(c.addr("tenant"), null, 4, 2).more()).isFalse();
        assertThat(q.openOrders(0, 100).items()).hasSize(3);
        assertThat(q.bidsByOrder(order)).hasSize(1);
        assertThat(q.leasesByOwner(c.addr("tenant"), LeaseState.ACTIVE, 0, 10).items())
                .hasSize(1);
        assertThat(q.activeLeasesByProvider(c.addr("provider"), 0, 10).items())
                .extracting(l -> l.id())
                .containsExactly(lease);
        assertThat(q.providers(List.of(new Attribute("region", "eu")), 0, 10).items())
                .hasSize(1);
        assertThat(q.providers(List.of(new Attribute("region", "us")), 0, 10).items())
                .isEmpty();
        assertThat(q.balance(c.addr("provider"), "uvyo")).isEqualTo(10_000_000 - 500_000 - 1_000 - 2_000);

        var stored = c.ledger.state().escrow.get(lease.deployment());
        long at = stored.settledAt() + 10;
        var projected = q.escrow(lease.deployment(), at).orElseThrow();
        assertThat(projected.funds()).isEqualByComparingTo(stored.funds().subtract(BigDecimal.valueOf(10 * 10)));
    }
}

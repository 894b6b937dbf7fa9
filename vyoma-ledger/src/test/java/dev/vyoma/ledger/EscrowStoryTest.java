package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The escrow story of issue 3, exact to the micro-unit. */
class EscrowStoryTest {
    private static TestChain chain() {
        return new TestChain(Map.of(
                "tenant", List.of(new Coin("uusd", 10_000_000), new Coin("uvyo", 10_000_000)),
                "provider", List.of(new Coin("uvyo", 10_000_000))));
    }

    /** Registers the provider, creates the deployment and a bid; returns the lease id (not yet created). */
    private static BidId openMarket(TestChain c, String price, String bidPrice, long deposit) {
        c.ok(c.tx(
                "provider",
                new Msg.CreateProvider(c.addr("provider"), "https://provider.example.com:8443", List.of(), "", "")));
        SdlDocument doc = TestChain.sdl(price);
        DeploymentId dep = new DeploymentId(c.addr("tenant"), 1);
        c.ok(c.tx(
                "tenant",
                new Msg.CreateDeployment(
                        dep, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", deposit))));
        OrderId order = new OrderId(new GroupId(dep, 1), 1);
        c.ok(c.tx(
                "provider",
                new Msg.CreateBid(
                        order,
                        c.addr("provider"),
                        new DecCoin("uusd", new BigDecimal(bidPrice)),
                        new Coin("uvyo", 500_000))));
        return new BidId(order, c.addr("provider"));
    }

    @Test
    void leaseRunsOutAtExactlyTheRightBlockAndThProviderGetsEveryMicroUnit() {
        TestChain c = chain();
        c.checkInvariants = false;
        BidId lease = openMarket(c, "100", "100", 5_000_000);
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();

        c.advanceTo(h + 30_000 - 1);
        c.ok(c.tx("provider", new Msg.WithdrawLease(lease)));
        assertThat(c.height()).isEqualTo(h + 30_000);
        assertThat(c.balance("provider", "uusd")).isEqualTo(3_000_000);
        Invariants.verify(c.ledger.state());

        c.advanceTo(h + 50_000 - 1);
        assertThat(c.ledger.state().leases.get(lease).state()).isEqualTo(LeaseState.ACTIVE);
        BlockResult closing = c.block();
        assertThat(closing.height()).isEqualTo(h + 50_000);
        assertThat(closing.events())
                .contains(
                        new Event.LeaseClosed(lease, CloseReason.INSUFFICIENT_FUNDS),
                        new Event.DeploymentClosed(lease.deployment(), CloseReason.INSUFFICIENT_FUNDS));
        assertThat(c.ledger.state().leases.get(lease).state()).isEqualTo(LeaseState.INSUFFICIENT_FUNDS);
        assertThat(c.ledger.state().leases.get(lease).closedAt()).isEqualTo(h + 50_000);
        assertThat(c.ledger.state().deployments.get(lease.deployment()).state()).isEqualTo(DeploymentState.CLOSED);
        assertThat(c.balance("provider", "uusd")).isEqualTo(5_000_000);
        assertThat(c.balance("tenant", "uusd")).isEqualTo(5_000_000);
        Invariants.verify(c.ledger.state());

        // Nothing after that block shows the lease active, and withdrawing is refused.
        c.block();
        c.rejected(c.tx("provider", new Msg.WithdrawLease(lease)), ErrorCode.LEASE_NOT_ACTIVE);
        assertThat(c.last.events()).noneMatch(e -> e instanceof Event.LeaseCreated);
    }

    @Test
    void fractionalPriceProviderHoldsExactlyFloorOfBlocksTimesPrice() {
        TestChain c = chain();
        c.checkInvariants = false;
        String price = "33.333333333333333333";
        BidId lease = openMarket(c, "40", price, 1_000_000);
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        BigDecimal rate = new BigDecimal(price);
        long[] withdrawals = {1, 2, 7, 100, 101, 1_234, 5_000, 9_999, 17_001, 29_000};
        for (long at : withdrawals) {
            c.advanceTo(h + at - 1);
            c.ok(c.tx("provider", new Msg.WithdrawLease(lease)));
            long expected = rate.multiply(BigDecimal.valueOf(at))
                    .setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
            assertThat(c.balance("provider", "uusd")).as("after %d blocks", at).isEqualTo(expected);
            Invariants.verify(c.ledger.state());
        }
        // Runs out: 1,000,000 / 33.333… = 30,000.0000…3 blocks, so the account is exhausted at block 30,001.
        c.advanceTo(h + 30_000);
        assertThat(c.ledger.state().leases.get(lease).state()).isEqualTo(LeaseState.ACTIVE);
        c.block();
        assertThat(c.ledger.state().leases.get(lease).state()).isEqualTo(LeaseState.INSUFFICIENT_FUNDS);
        assertThat(c.balance("provider", "uusd")).isEqualTo(1_000_000);
        assertThat(c.balance("tenant", "uusd")).isEqualTo(9_000_000);
        Invariants.verify(c.ledger.state());
    }

    @Test
    void tenantCloseStopsBillingAtOnceAndRefundsTheRest() {
        TestChain c = chain();
        BidId lease = openMarket(c, "100", "60", 1_000_000);
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 99);
        c.ok(c.tx("tenant", new Msg.CloseDeployment(lease.deployment())));
        assertThat(c.balance("provider", "uusd")).isEqualTo(100 * 60);
        assertThat(c.balance("tenant", "uusd")).isEqualTo(10_000_000 - 100 * 60);
        assertThat(c.last.events()).contains(new Event.LeaseClosed(lease, CloseReason.TENANT));
        assertThat(c.ledger.state().escrow.get(lease.deployment()).runOutHeight())
                .isZero();
    }
}

package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.BID_DEPOSIT;
import static dev.vyoma.ledger.MessageFixtures.DEPOSIT;
import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.USD;
import static dev.vyoma.ledger.MessageFixtures.VYO;
import static dev.vyoma.ledger.MessageFixtures.bid;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.createBid;
import static dev.vyoma.ledger.MessageFixtures.createProvider;
import static dev.vyoma.ledger.MessageFixtures.deploy;
import static dev.vyoma.ledger.MessageFixtures.group;
import static dev.vyoma.ledger.MessageFixtures.order;
import static dev.vyoma.ledger.MessageFixtures.price;
import static dev.vyoma.ledger.MessageFixtures.provider;
import static dev.vyoma.ledger.MessageFixtures.rejectedAtAdmission;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.spec;
import static dev.vyoma.ledger.MessageFixtures.usd;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static dev.vyoma.ledger.MessageFixtures.withGpu;
import static dev.vyoma.ledger.MessageFixtures.withRequirements;
import static dev.vyoma.ledger.MessageFixtures.withUnitPrice;
import static dev.vyoma.ledger.MessageFixtures.withVolumeAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.Payment;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Escrow;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.market.OrderState;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.SignedBy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CreateBid, CloseBid, CreateLease, CloseLease, WithdrawLease, with matching and the cascades. */
class MarketMessagesTest {
    private static final long FEE = 1_000;
    private static final long BID_FEE = 2_000;

    private static TestChain chain1() {
        return chain("tenant", "p", "q", "r", "auditor", "auditor2");
    }

    /** Providers p, q, r registered; deployment tenant/1 (one group at 100 per block). */
    private static DeploymentId market(TestChain c) {
        provider(c, "p");
        provider(c, "q");
        provider(c, "r");
        return deploy(c, "tenant", 1);
    }

    private static DeploymentId deployWith(TestChain c, GroupSpec g) {
        return deploy(c, "tenant", 1, List.of(g), DEPOSIT);
    }

    private static Msg.CreateBid createBidWith(TestChain c, String provider, OrderId o, DecCoin price, Coin deposit) {
        return new Msg.CreateBid(o, c.addr(provider), price, deposit);
    }

    // ----- CreateBid -----

    @Test
    void bidHoldsItsDeposit() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        TxResult r = c.ok(c.tx("p", createBid(c, "p", order(d), "60")));
        long h = c.height();
        BidId b = new BidId(order(d), c.addr("p"));
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("p"), vyo(BID_FEE)), new Event.BidCreated(b, price("60")));
        assertThat(c.ledger.state().bids.get(b))
                .isEqualTo(new Bid(b, BidState.OPEN, price("60"), vyo(BID_DEPOSIT), h, 0, null));
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE - BID_DEPOSIT);
        assertThat(c.ledger.state().orders.get(order(d)).state()).isEqualTo(OrderState.OPEN);
    }

    @Test
    void bidAtTheOrderPriceIsAcceptedAboveIsNot() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "p", ErrorCode.BID_INVALID_PRICE, createBid(c, "p", order(d), "100.000000000000000001"));
        bid(c, "p", order(d), "100");
    }

    @Test
    void bidPriceMustBePositiveAndInTheOrderDenomination() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "p", ErrorCode.BID_ZERO_PRICE, createBid(c, "p", order(d), "0"));
        rejectedCharged(c, "p", ErrorCode.BID_ZERO_PRICE, createBid(c, "p", order(d), "-1"));
        rejectedCharged(
                c,
                "p",
                ErrorCode.BID_INVALID_PRICE,
                createBidWith(c, "p", order(d), new DecCoin(VYO, BigDecimal.ONE), vyo(BID_DEPOSIT)));
        // A tiny positive price is fine.
        bid(c, "p", order(d), "0.000000000000000001");
    }

    @Test
    void bidDepositMustBeTheMinimumInTheBidDenomination() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(
                c, "p", ErrorCode.INVALID_BID_DEPOSIT, createBidWith(c, "p", order(d), price("60"), usd(BID_DEPOSIT)));
        rejectedCharged(
                c,
                "p",
                ErrorCode.INVALID_BID_DEPOSIT,
                createBidWith(c, "p", order(d), price("60"), vyo(BID_DEPOSIT - 1)));
        // More than the minimum is held in full (three bid fees: two rejected bids and this one).
        c.ok(c.tx("p", createBidWith(c, "p", order(d), price("60"), vyo(BID_DEPOSIT + 1))));
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - 3 * BID_FEE - BID_DEPOSIT - 1);
    }

    @Test
    void bidDepositTheProviderCannotPayIsRejected() {
        TestChain c = chain(Map.of(
                "tenant", List.of(usd(FUNDS), vyo(FUNDS)), "poor", List.of(vyo(FEE + BID_FEE + BID_DEPOSIT - 1))));
        provider(c, "poor");
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(c, "poor", ErrorCode.INSUFFICIENT_FUNDS, createBid(c, "poor", order(d), "60"));
        assertThat(c.balance("poor", VYO)).isEqualTo(BID_DEPOSIT - 1);
    }

    @Test
    void bidOnAnUnknownOrderIsRejected() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "p", ErrorCode.ORDER_NOT_FOUND, createBid(c, "p", order(d, 1, 2), "60"));
        rejectedCharged(c, "p", ErrorCode.ORDER_NOT_FOUND, createBid(c, "p", order(d, 2, 1), "60"));
        rejectedCharged(
                c,
                "p",
                ErrorCode.ORDER_NOT_FOUND,
                createBid(c, "p", order(new DeploymentId(c.addr("tenant"), 99)), "60"));
    }

    @Test
    void bidOnAClosedOrLeasedOrderIsRejected() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId b = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(b)));
        rejectedCharged(c, "q", ErrorCode.ORDER_NOT_OPEN, createBid(c, "q", order(d), "50"));
        c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        rejectedCharged(c, "q", ErrorCode.ORDER_NOT_OPEN, createBid(c, "q", order(d), "50"));
    }

    @Test
    void deploymentOwnerCannotBidOnItsOwnOrder() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        provider(c, "tenant");
        rejectedCharged(c, "tenant", ErrorCode.SAME_ACCOUNT, createBid(c, "tenant", order(d), "60"));
    }

    @Test
    void oneBidPerProviderAndOrderEvenAfterClosingIt() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId b = bid(c, "p", order(d), "60");
        rejectedCharged(c, "p", ErrorCode.BID_EXISTS, createBid(c, "p", order(d), "59"));
        c.ok(c.tx("p", new Msg.CloseBid(b, 10002)));
        rejectedCharged(c, "p", ErrorCode.BID_EXISTS, createBid(c, "p", order(d), "59"));
    }

    @Test
    void unregisteredProviderCannotBid() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "auditor", ErrorCode.UNKNOWN_PROVIDER, createBid(c, "auditor", order(d), "60"));
    }

    @Test
    void twentyBidsAreAcceptedTheTwentyFirstIsNot() {
        int max = Params.defaults().maxBidsPerOrder();
        assertThat(max).isEqualTo(20);
        List<String> names = new ArrayList<>();
        names.add("tenant");
        for (int i = 0; i <= max; i++) {
            names.add(String.format("p%02d", i));
        }
        TestChain c = chain(names.toArray(String[]::new));
        List<SignedTx> registrations = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            String p = String.format("p%02d", i);
            registrations.add(c.tx(p, createProvider(c, p)));
        }
        assertThat(c.block(registrations.toArray(SignedTx[]::new)).txs()).allMatch(TxResult::ok);
        DeploymentId d = deploy(c, "tenant", 1);
        List<SignedTx> bids = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            String p = String.format("p%02d", i);
            bids.add(c.tx(p, createBid(c, p, order(d), "50")));
        }
        assertThat(c.block(bids.toArray(SignedTx[]::new)).txs()).allMatch(TxResult::ok);
        String last = String.format("p%02d", max);
        rejectedCharged(c, last, ErrorCode.TOO_MANY_BIDS, createBid(c, last, order(d), "50"));
        assertThat(c.ledger.state().bids.size()).isEqualTo(max);
    }

    @Test
    void failingSecondBidRollsBackTheFirst() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(
                c,
                "p",
                ErrorCode.ORDER_NOT_FOUND,
                createBid(c, "p", order(d), "60"),
                createBid(c, "p", order(d, 1, 7), "60"));
        assertThat(c.ledger.state().bids.size()).isZero();
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - 2 * BID_FEE);
    }

    // ----- matching -----

    @Test
    void placementAttributesMustMatchTheProvidersOwn() {
        TestChain c = chain1();
        provider(c, "p", new Attribute("region", "us"));
        provider(c, "q", new Attribute("region", "eu"), new Attribute("tier", "1"));
        DeploymentId d = deployWith(c, withRequirements(spec("100"), SignedBy.NONE, new Attribute("region", "eu")));
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
        bid(c, "q", order(d), "60");
    }

    @Test
    void requirementKeysAreGlobsThatDoNotCrossSlashes() {
        TestChain c = chain1();
        provider(c, "p", new Attribute("feat/a/ssd", "true"));
        provider(c, "q", new Attribute("feat/ssd", "true"));
        DeploymentId d = deployWith(c, withRequirements(spec("100"), SignedBy.NONE, new Attribute("feat/*", "true")));
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
        bid(c, "q", order(d), "60");
    }

    @Test
    void signedByAllOfNeedsEveryAuditorsSignatureAndIgnoresOwnAttributes() {
        TestChain c = chain1();
        provider(c, "p", new Attribute("region", "eu"));
        String auditor = c.addr("auditor").toString();
        String auditor2 = c.addr("auditor2").toString();
        DeploymentId d = deployWith(
                c,
                withRequirements(
                        spec("100"), new SignedBy(List.of(auditor, auditor2), null), new Attribute("region", "eu")));
        // Own attributes do not count.
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(
                        c.addr("auditor"), c.addr("p"), List.of(new Attribute("region", "eu")))));
        // One of two is not enough.
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
        // The second auditor signs something else.
        c.ok(c.tx(
                "auditor2",
                new Msg.SignProviderAttributes(
                        c.addr("auditor2"), c.addr("p"), List.of(new Attribute("region", "us")))));
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
        c.ok(c.tx(
                "auditor2",
                new Msg.SignProviderAttributes(
                        c.addr("auditor2"), c.addr("p"), List.of(new Attribute("region", "eu")))));
        bid(c, "p", order(d), "60");
    }

    @Test
    void signedByAnyOfNeedsOneAuditor() {
        TestChain c = chain1();
        provider(c, "p");
        provider(c, "q");
        String auditor = c.addr("auditor").toString();
        String auditor2 = c.addr("auditor2").toString();
        DeploymentId d = deployWith(
                c,
                withRequirements(
                        spec("100"), new SignedBy(null, List.of(auditor, auditor2)), new Attribute("region", "eu")));
        c.ok(c.tx(
                "auditor2",
                new Msg.SignProviderAttributes(
                        c.addr("auditor2"), c.addr("p"), List.of(new Attribute("region", "eu")))));
        // An auditor not in the list does not count.
        c.ok(c.tx(
                "r", new Msg.SignProviderAttributes(c.addr("r"), c.addr("q"), List.of(new Attribute("region", "eu")))));
        bid(c, "p", order(d), "60");
        rejectedCharged(c, "q", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "q", order(d), "60"));
    }

    @Test
    void withdrawnSignatureNoLongerMatches() {
        TestChain c = chain1();
        provider(c, "p");
        String auditor = c.addr("auditor").toString();
        DeploymentId d = deployWith(
                c, withRequirements(spec("100"), new SignedBy(List.of(auditor), null), new Attribute("region", "eu")));
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(
                        c.addr("auditor"), c.addr("p"), List.of(new Attribute("region", "eu")))));
        c.ok(c.tx("auditor", new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of("region"))));
        rejectedCharged(c, "p", ErrorCode.ATTRIBUTE_MISMATCH, createBid(c, "p", order(d), "60"));
    }

    @Test
    void gpuModelMustBeAmongTheProvidersCapabilities() {
        TestChain c = chain1();
        provider(c, "p", new Attribute("capabilities/gpu/vendor/nvidia/model/a100", "true"));
        provider(c, "q", new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true"));
        provider(c, "r");
        DeploymentId d = deployWith(c, withGpu(spec("100"), 1, new Attribute("vendor/nvidia/model/h100", "true")));
        rejectedCharged(c, "p", ErrorCode.CAPABILITIES_MISMATCH, createBid(c, "p", order(d), "60"));
        rejectedCharged(c, "r", ErrorCode.CAPABILITIES_MISMATCH, createBid(c, "r", order(d), "60"));
        bid(c, "q", order(d), "60");
    }

    @Test
    void storageClassMustBeOneOfTheProvidersStorageCapabilities() {
        TestChain c = chain1();
        provider(
                c,
                "p",
                new Attribute("capabilities/storage/1/class", "beta2"),
                new Attribute("capabilities/storage/1/persistent", "true"));
        // The right values, but split over two storage classes.
        provider(
                c,
                "r",
                new Attribute("capabilities/storage/1/class", "beta3"),
                new Attribute("capabilities/storage/2/persistent", "true"));
        provider(
                c,
                "q",
                new Attribute("capabilities/storage/1/class", "beta2"),
                new Attribute("capabilities/storage/2/class", "beta3"),
                new Attribute("capabilities/storage/2/persistent", "true"));
        DeploymentId d = deployWith(
                c,
                withVolumeAttributes(
                        spec("100"), new Attribute("class", "beta3"), new Attribute("persistent", "true")));
        rejectedCharged(c, "p", ErrorCode.CAPABILITIES_MISMATCH, createBid(c, "p", order(d), "60"));
        rejectedCharged(c, "r", ErrorCode.CAPABILITIES_MISMATCH, createBid(c, "r", order(d), "60"));
        bid(c, "q", order(d), "60");
    }

    // ----- CloseBid -----

    @Test
    void closingAnOpenBidRefundsItsDepositAndKeepsTheOrderOpen() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId b = bid(c, "p", order(d), "60");
        TxResult r = c.ok(c.tx("p", new Msg.CloseBid(b, 10002)));
        long h = c.height();
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("p"), vyo(FEE)),
                        new Event.BidClosed(b, CloseReason.PROVIDER_UNSPECIFIED),
                        new Event.BidDepositRefund(b, vyo(BID_DEPOSIT)));
        Bid closed = c.ledger.state().bids.get(b);
        assertThat(closed.state()).isEqualTo(BidState.CLOSED);
        assertThat(closed.closedAt()).isEqualTo(h);
        assertThat(closed.reason()).isEqualTo(CloseReason.PROVIDER_UNSPECIFIED);
        assertThat(c.ledger.state().orders.get(order(d)).state()).isEqualTo(OrderState.OPEN);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE - FEE);
    }

    @Test
    void closeReasonMustBeAProviderReason() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId b = bid(c, "p", order(d), "60");
        for (int reason : new int[] {0, 1, 9_999, 20_000, 30_000, -10_000}) {
            rejectedCharged(c, "p", ErrorCode.INVALID_CLOSE_REASON, new Msg.CloseBid(b, reason));
        }
        BidId b2 = bid(c, "q", order(d), "60");
        c.ok(c.tx("p", new Msg.CloseBid(b, 10_000)));
        c.ok(c.tx("q", new Msg.CloseBid(b2, 19_999)));
        assertThat(c.ledger.state().bids.get(b2).reason()).isEqualTo(new CloseReason(19_999));
    }

    @Test
    void closeBidRejections() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "p", ErrorCode.UNKNOWN_BID, new Msg.CloseBid(new BidId(order(d), c.addr("p")), 10002));
        BidId lost = bid(c, "p", order(d), "60");
        BidId closed = bid(c, "r", order(d), "60");
        BidId won = bid(c, "q", order(d), "60");
        c.ok(c.tx("r", new Msg.CloseBid(closed, 10002)));
        rejectedCharged(c, "r", ErrorCode.BID_NOT_ACTIVE, new Msg.CloseBid(closed, 10002));
        c.ok(c.tx("tenant", new Msg.CreateLease(won)));
        rejectedCharged(c, "p", ErrorCode.BID_NOT_ACTIVE, new Msg.CloseBid(lost, 10002));
        // Only the provider may close its bid.
        rejectedAtAdmission(c, c.tx("tenant", new Msg.CloseBid(won, 10002)), ErrorCode.WRONG_SIGNER);
    }

    @Test
    void providerClosingAnActiveLeasePausesTheGroupUntilStarted() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 4);
        GroupId g = group(d, 1);
        TxResult r = c.ok(c.tx("p", new Msg.CloseBid(lease, 10003)));
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("p"), vyo(FEE)),
                        new Event.EscrowPayment(lease, c.addr("p"), usd(300)),
                        new Event.LeaseClosed(lease, CloseReason.PROVIDER_MANIFEST_TIMEOUT),
                        new Event.BidClosed(lease, CloseReason.PROVIDER_MANIFEST_TIMEOUT),
                        new Event.BidDepositRefund(lease, vyo(BID_DEPOSIT)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupPaused(g));
        var s = c.ledger.state();
        Lease l = s.leases.get(lease);
        assertThat(l.state()).isEqualTo(LeaseState.CLOSED);
        assertThat(l.reason()).isEqualTo(CloseReason.PROVIDER_MANIFEST_TIMEOUT);
        assertThat(l.closedAt()).isEqualTo(h + 5);
        assertThat(s.bids.get(lease).state()).isEqualTo(BidState.CLOSED);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.CLOSED);
        assertThat(s.groups.get(g).state()).isEqualTo(GroupState.PAUSED);
        assertThat(s.openOrders.isEmpty()).isTrue();
        assertThat(java.util.stream.Stream.of("p", "q", "r"))
                .allMatch(n -> s.activeLeasesByProvider.isEmpty(c.addr(n)));
        assertThat(s.payments.get(lease).state()).isEqualTo(PaymentState.CLOSED);
        assertThat(s.escrow.get(d).funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT - 300));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 300);

        TxResult started = c.ok(c.tx("tenant", new Msg.StartGroup(g)));
        assertThat(started.events()).contains(new Event.OrderCreated(order(d, 1, 2), price("100")));
        assertThat(s.groups.get(g).state()).isEqualTo(GroupState.OPEN);
        bid(c, "q", order(d, 1, 2), "70");
    }

    // ----- CreateLease -----

    @Test
    void leaseMakesEveryOtherOpenBidLostAndRefundsItInTheSameTransaction() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        provider(c, "auditor");
        BidId bp = bid(c, "p", order(d), "60");
        BidId bq = bid(c, "q", order(d), "70");
        BidId br = bid(c, "r", order(d), "80");
        BidId withdrawn = bid(c, "auditor", order(d), "90");
        c.ok(c.tx("auditor", new Msg.CloseBid(withdrawn, 10002)));

        TxResult r = c.ok(c.tx("tenant", new Msg.CreateLease(bq)));
        long h = c.height();
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.LeaseCreated(bq, price("70")),
                        new Event.BidLost(bp),
                        new Event.BidDepositRefund(bp, vyo(BID_DEPOSIT)),
                        new Event.BidLost(br),
                        new Event.BidDepositRefund(br, vyo(BID_DEPOSIT)));
        var s = c.ledger.state();
        assertThat(s.leases.get(bq)).isEqualTo(new Lease(bq, LeaseState.ACTIVE, price("70"), h, 0, null));
        assertThat(s.bids.get(bq).state()).isEqualTo(BidState.ACTIVE);
        for (BidId lost : List.of(bp, br)) {
            Bid b = s.bids.get(lost);
            assertThat(b.state()).isEqualTo(BidState.LOST);
            assertThat(b.closedAt()).isEqualTo(h);
            assertThat(b.reason()).isEqualTo(CloseReason.LOST);
        }
        assertThat(s.bids.get(withdrawn).state()).isEqualTo(BidState.CLOSED);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.ACTIVE);
        assertThat(s.openOrders.contains(order(d))).isFalse();
        assertThat(s.activeLeasesByProvider.keys(c.addr("q"))).containsExactly(bq);
        assertThat(s.activeLeasesByProvider.isEmpty(c.addr("p"))).isTrue();
        assertThat(s.payments.get(bq)).isEqualTo(new Payment(bq, PaymentState.OPEN, Escrow.dec(70), Escrow.dec(0), 0));
        EscrowAccount acc = s.escrow.get(d);
        assertThat(acc.totalRate()).isEqualByComparingTo(BigDecimal.valueOf(70));
        // 5,000,000 / 70 = 71,428.57… blocks.
        assertThat(acc.runOutHeight()).isEqualTo(h + 71_429);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE);
        assertThat(c.balance("r", VYO)).isEqualTo(FUNDS - FEE - BID_FEE);
        assertThat(c.balance("q", VYO)).isEqualTo(FUNDS - FEE - BID_FEE - BID_DEPOSIT);
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS - DEPOSIT);
    }

    @Test
    void failingMessageAfterCreateLeaseRestoresTheLostBids() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId bp = bid(c, "p", order(d), "60");
        BidId bq = bid(c, "q", order(d), "70");
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(bq), new Msg.CreateLease(bp));
        var s = c.ledger.state();
        assertThat(s.bids.get(bp).state()).isEqualTo(BidState.OPEN);
        assertThat(s.bids.get(bq).state()).isEqualTo(BidState.OPEN);
        assertThat(s.leases.size()).isZero();
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.OPEN);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE - BID_DEPOSIT);
    }

    @Test
    void createLeaseRejections() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        rejectedCharged(c, "tenant", ErrorCode.UNKNOWN_BID, new Msg.CreateLease(new BidId(order(d), c.addr("p"))));
        BidId bp = bid(c, "p", order(d), "60");
        BidId bq = bid(c, "q", order(d), "70");
        BidId br = bid(c, "r", order(d), "80");
        c.ok(c.tx("r", new Msg.CloseBid(br, 10002)));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(br));
        // Only the tenant may lease.
        rejectedAtAdmission(c, c.tx("p", new Msg.CreateLease(bp)), ErrorCode.WRONG_SIGNER);
        c.ok(c.tx("tenant", new Msg.CreateLease(bp)));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(bp));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(bq));
    }

    @Test
    void noLeaseOnAClosedOrPausedGroup() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1, List.of(spec("100"), named("second")), DEPOSIT);
        BidId b1 = bid(c, "p", order(d, 1, 1), "60");
        BidId b2 = bid(c, "p", order(d, 2, 1), "60");
        c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        c.ok(c.tx("tenant", new Msg.PauseGroup(group(d, 2))));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(b1));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(b2));
        assertThat(c.ledger.state().leases.size()).isZero();
    }

    @Test
    void noLeaseOnAClosedDeployment() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId b = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        rejectedCharged(c, "tenant", ErrorCode.BID_NOT_OPEN, new Msg.CreateLease(b));
    }

    @Test
    void leaseNeedsOneBlockOfFundsInEscrow() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1, List.of(withUnitPrice(spec("100"), "1000000")), 500_000);
        BidId b = bid(c, "p", order(d), "500000.000000000000000001");
        rejectedCharged(c, "tenant", ErrorCode.INSUFFICIENT_FUNDS, new Msg.CreateLease(b));
        c.ok(c.tx("tenant", new Msg.DepositDeployment(c.addr("tenant"), d, usd(1))));
        c.ok(c.tx("tenant", new Msg.CreateLease(b)));
        assertThat(c.ledger.state().leases.get(b).state()).isEqualTo(LeaseState.ACTIVE);
    }

    // ----- CloseLease -----

    @Test
    void tenantClosingALeaseOpensTheNextOrder() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 9);
        TxResult r = c.ok(c.tx("tenant", new Msg.CloseLease(lease)));
        OrderId second = order(d, 1, 2);
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.EscrowPayment(lease, c.addr("p"), usd(600)),
                        new Event.LeaseClosed(lease, CloseReason.TENANT),
                        new Event.BidClosed(lease, CloseReason.TENANT),
                        new Event.BidDepositRefund(lease, vyo(BID_DEPOSIT)),
                        new Event.OrderClosed(order(d)),
                        new Event.OrderCreated(second, price("100")));
        var s = c.ledger.state();
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.CLOSED);
        assertThat(s.leases.get(lease).reason()).isEqualTo(CloseReason.TENANT);
        assertThat(s.leases.get(lease).closedAt()).isEqualTo(h + 10);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.CLOSED);
        assertThat(s.orders.get(second).state()).isEqualTo(OrderState.OPEN);
        assertThat(s.openOrders.entries()).containsExactly(second);
        assertThat(s.groups.get(group(d, 1)).state()).isEqualTo(GroupState.OPEN);
        assertThat(s.escrow.get(d).totalRate().signum()).isZero();
        assertThat(s.escrow.get(d).runOutHeight()).isZero();
        assertThat(s.escrow.get(d).funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT - 600));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 600);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE);
        // The same provider may bid on the new order.
        bid(c, "p", second, "65");
    }

    @Test
    void closeLeaseRejections() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = new BidId(order(d), c.addr("p"));
        rejectedCharged(c, "tenant", ErrorCode.UNKNOWN_LEASE, new Msg.CloseLease(lease));
        bid(c, "p", order(d), "60");
        rejectedCharged(c, "tenant", ErrorCode.UNKNOWN_LEASE, new Msg.CloseLease(lease));
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        rejectedAtAdmission(c, c.tx("p", new Msg.CloseLease(lease)), ErrorCode.WRONG_SIGNER);
        c.ok(c.tx("tenant", new Msg.CloseLease(lease)));
        rejectedCharged(c, "tenant", ErrorCode.LEASE_NOT_ACTIVE, new Msg.CloseLease(lease));
    }

    @Test
    void tenantClosingALeaseForItsProvidersFaultRecordsTheTenantsReasonAndOpensTheNextOrder() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 4);
        TxResult r = c.ok(
                c.tx("tenant", new Msg.CloseLeaseForFault(lease, CloseReason.TENANT_PROVIDER_UNRESPONSIVE.code())));
        OrderId second = order(d, 1, 2);
        assertThat(r.events())
                .contains(
                        new Event.EscrowPayment(lease, c.addr("p"), usd(300)),
                        new Event.LeaseClosed(lease, CloseReason.TENANT_PROVIDER_UNRESPONSIVE),
                        new Event.OrderCreated(second, price("100")));
        var s = c.ledger.state();
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.CLOSED);
        assertThat(s.leases.get(lease).reason().label()).isEqualTo("tenant:provider_unresponsive");
        assertThat(s.leases.get(lease).closedAt()).isEqualTo(h + 5);
        assertThat(s.openOrders.entries()).containsExactly(second);
        assertThat(s.escrow.get(d).totalRate().signum()).isZero();
    }

    @Test
    void aTenantBlamesItsProviderOnlyWithATenantFaultReason() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        // Not a provider's own code, not the plain tenant reason, not an unknown one.
        for (int reason : new int[] {0, 1, 4, 9999, 10000, 10002, 20000, 30000, -2}) {
            rejectedCharged(c, "tenant", ErrorCode.INVALID_CLOSE_REASON, new Msg.CloseLeaseForFault(lease, reason));
        }
        rejectedAtAdmission(c, c.tx("p", new Msg.CloseLeaseForFault(lease, 3)), ErrorCode.WRONG_SIGNER);
        Msg close = new Msg.CloseLeaseForFault(lease, 3);
        assertThat((Msg) dev.vyoma.ledger.codec.Codec.decode(
                        dev.vyoma.ledger.codec.Codec.encode(close, Msg.class), Msg.class))
                .isEqualTo(close);
        c.ok(c.tx("tenant", close));
        assertThat(c.ledger.state().leases.get(lease).reason()).isEqualTo(CloseReason.TENANT_PROVIDER_FAILED);
        rejectedCharged(c, "tenant", ErrorCode.LEASE_NOT_ACTIVE, new Msg.CloseLeaseForFault(lease, 3));
    }

    // ----- WithdrawLease -----

    @Test
    void withdrawPaysWhatTheLeaseEarned() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 9);
        TxResult r = c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("p"), vyo(FEE)),
                        new Event.EscrowPayment(lease, c.addr("p"), usd(600)));
        var s = c.ledger.state();
        assertThat(s.payments.get(lease))
                .isEqualTo(new Payment(lease, PaymentState.OPEN, Escrow.dec(60), Escrow.dec(0), 600));
        assertThat(s.escrow.get(d).funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT - 600));
        assertThat(s.escrow.get(d).settledAt()).isEqualTo(h + 10);
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 600);
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.ACTIVE);

        c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 660);
    }

    @Test
    void withdrawKeepsTheFractionForLater() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = bid(c, "p", order(d), "0.5");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 2);
        c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 1);
        assertThat(c.ledger.state().payments.get(lease).balance()).isEqualByComparingTo(new BigDecimal("0.5"));
        TxResult r = c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 2);
        assertThat(r.events()).contains(new Event.EscrowPayment(lease, c.addr("p"), usd(1)));
        // Nothing whole earned yet: no payment event.
        TxResult nothing = c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(nothing.events()).containsExactly(new Event.FeePaid(c.addr("p"), vyo(FEE)));
    }

    @Test
    void withdrawRejections() {
        TestChain c = chain1();
        DeploymentId d = market(c);
        BidId lease = new BidId(order(d), c.addr("p"));
        rejectedCharged(c, "p", ErrorCode.UNKNOWN_LEASE, new Msg.WithdrawLease(lease));
        bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        rejectedAtAdmission(c, c.tx("tenant", new Msg.WithdrawLease(lease)), ErrorCode.WRONG_SIGNER);
        c.ok(c.tx("tenant", new Msg.CloseLease(lease)));
        rejectedCharged(c, "p", ErrorCode.LEASE_NOT_ACTIVE, new Msg.WithdrawLease(lease));
    }

    private static GroupSpec named(String name) {
        return MessageFixtures.named(spec("100"), name);
    }
}

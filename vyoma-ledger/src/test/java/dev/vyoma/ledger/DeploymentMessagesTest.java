package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.BID_DEPOSIT;
import static dev.vyoma.ledger.MessageFixtures.DEPOSIT;
import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.OTHER_VERSION;
import static dev.vyoma.ledger.MessageFixtures.USD;
import static dev.vyoma.ledger.MessageFixtures.VYO;
import static dev.vyoma.ledger.MessageFixtures.bid;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.createBid;
import static dev.vyoma.ledger.MessageFixtures.createDeployment;
import static dev.vyoma.ledger.MessageFixtures.deploy;
import static dev.vyoma.ledger.MessageFixtures.group;
import static dev.vyoma.ledger.MessageFixtures.named;
import static dev.vyoma.ledger.MessageFixtures.order;
import static dev.vyoma.ledger.MessageFixtures.price;
import static dev.vyoma.ledger.MessageFixtures.provider;
import static dev.vyoma.ledger.MessageFixtures.rejectedAtAdmission;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.spec;
import static dev.vyoma.ledger.MessageFixtures.usd;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static dev.vyoma.ledger.MessageFixtures.withGpu;
import static dev.vyoma.ledger.MessageFixtures.withPriceDenom;
import static dev.vyoma.ledger.MessageFixtures.withUnitPrice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.escrow.Depositor;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Escrow;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.market.OrderState;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** CreateDeployment, UpdateDeployment, DepositDeployment, CloseDeployment, CloseGroup, PauseGroup, StartGroup. */
class DeploymentMessagesTest {
    private static final long FEE = 1_000;
    private static final long CREATE_FEE = 5_000;
    private static final long BID_FEE = 2_000;
    private static final String VERSION = TestChain.sdl("100").manifestVersion().hex();

    private static TestChain chain1() {
        return chain("tenant", "p", "friend");
    }

    private static List<GroupSpec> groups(int n) {
        List<GroupSpec> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(named(spec("100"), "g" + i));
        }
        return out;
    }

    private static DeploymentId id(TestChain c, long dseq) {
        return new DeploymentId(c.addr("tenant"), dseq);
    }

    /** A provider "p", deployment tenant/1 at price 100, and p's lease on it at 60 per block. */
    private static BidId leased(TestChain c) {
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1);
        BidId b = bid(c, "p", order(d), "60");
        c.ok(c.tx("tenant", new Msg.CreateLease(b)));
        return b;
    }

    // ----- CreateDeployment -----

    @Test
    void createOpensDeploymentGroupOrderAndEscrow() {
        TestChain c = chain1();
        DeploymentId d = id(c, 7);
        GroupSpec g = spec("100");
        TxResult r = c.ok(c.tx("tenant", createDeployment(d, List.of(g), DEPOSIT)));
        long h = c.height();
        OrderId o = order(d);
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(CREATE_FEE)),
                        new Event.EscrowDeposit(d, c.addr("tenant"), usd(DEPOSIT)),
                        new Event.DeploymentCreated(d, VERSION),
                        new Event.OrderCreated(o, price("100")));
        var s = c.ledger.state();
        assertThat(s.deployments.get(d)).isEqualTo(new Deployment(d, DeploymentState.ACTIVE, VERSION, h, 0, null));
        assertThat(s.groups.get(group(d, 1))).isEqualTo(new Group(group(d, 1), GroupState.OPEN, g, h));
        assertThat(s.orders.get(o)).isEqualTo(new Order(o, OrderState.OPEN, price("100"), h));
        assertThat(s.openOrders.contains(o)).isTrue();
        EscrowAccount acc = s.escrow.get(d);
        assertThat(acc.state()).isEqualTo(AccountState.OPEN);
        assertThat(acc.denom()).isEqualTo(USD);
        assertThat(acc.funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT));
        assertThat(acc.depositors()).containsExactly(new Depositor(c.addr("tenant"), Escrow.dec(DEPOSIT)));
        assertThat(acc.totalRate().signum()).isZero();
        assertThat(acc.runOutHeight()).isZero();
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS - DEPOSIT);
        assertThat(c.balance("tenant", VYO)).isEqualTo(FUNDS - CREATE_FEE);
    }

    @Test
    void twentyGroupsMakeTwentyOrdersTwentyOneAreRejected() {
        TestChain c = chain1();
        rejectedCharged(c, "tenant", ErrorCode.INVALID_GROUPS, createDeployment(id(c, 1), groups(21), DEPOSIT));
        TxResult r = c.ok(c.tx("tenant", createDeployment(id(c, 1), groups(20), DEPOSIT)));
        assertThat(r.events()).filteredOn(e -> e instanceof Event.OrderCreated).hasSize(20);
        for (int gseq = 1; gseq <= 20; gseq++) {
            assertThat(c.ledger.state().orders.get(order(id(c, 1), gseq, 1)).state())
                    .isEqualTo(OrderState.OPEN);
        }
        assertThat(c.ledger.state().groups.contains(group(id(c, 1), 21))).isFalse();
    }

    @Test
    void createWithAnExistingIdIsRejected() {
        TestChain c = chain1();
        deploy(c, "tenant", 1);
        rejectedCharged(
                c, "tenant", ErrorCode.DEPLOYMENT_EXISTS, createDeployment(id(c, 1), List.of(spec("5")), DEPOSIT));
    }

    @Test
    void secondCreateOfTheSameIdInOneTransactionRollsBackTheFirst() {
        TestChain c = chain1();
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.DEPLOYMENT_EXISTS,
                createDeployment(id(c, 1), List.of(spec("100")), DEPOSIT),
                createDeployment(id(c, 1), List.of(spec("100")), DEPOSIT));
        assertThat(c.ledger.state().deployments.contains(id(c, 1))).isFalse();
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("tenant", VYO)).isEqualTo(FUNDS - 2 * CREATE_FEE);
    }

    @Test
    void createWithABadManifestVersionIsRejected() {
        TestChain c = chain1();
        for (String bad : List.of("AB".repeat(32), "ab".repeat(31), "ab".repeat(33), "zz".repeat(32), "")) {
            rejectedCharged(
                    c,
                    "tenant",
                    ErrorCode.INVALID_HASH,
                    new Msg.CreateDeployment(id(c, 1), List.of(spec("100")), bad, usd(DEPOSIT)));
        }
    }

    @Test
    void depositBelowTheMinimumOrInAnotherDenominationIsRejected() {
        TestChain c = chain1();
        long min = Params.defaults().minDeploymentDeposit();
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.INVALID_DEPOSIT,
                new Msg.CreateDeployment(id(c, 1), List.of(spec("100")), VERSION, usd(min - 1)));
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.INVALID_DEPOSIT,
                new Msg.CreateDeployment(id(c, 1), List.of(spec("100")), VERSION, vyo(DEPOSIT)));
        c.ok(c.tx("tenant", new Msg.CreateDeployment(id(c, 1), List.of(spec("100")), VERSION, usd(min))));
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS - min);
    }

    @Test
    void depositTheOwnerCannotPayIsRejected() {
        TestChain c = chain(Map.of("tenant", List.of(usd(499_999 + 500_000), vyo(FUNDS))));
        c.ok(c.tx("tenant", createDeployment(id(c, 1), List.of(spec("100")), 500_000)));
        rejectedCharged(
                c, "tenant", ErrorCode.INSUFFICIENT_FUNDS, createDeployment(id(c, 2), List.of(spec("100")), 500_000));
        assertThat(c.balance("tenant", USD)).isEqualTo(499_999);
    }

    @Test
    void invalidGroupsAreRejected() {
        TestChain c = chain1();
        List<List<GroupSpec>> bad = List.of(
                List.of(),
                List.of(withPriceDenom(spec("100"), VYO)),
                List.of(withUnitPrice(spec("100"), "0")),
                List.of(withUnitPrice(spec("100"), "-1")),
                List.of(withUnitPrice(spec("100"), "10000000.000000000000000001")),
                List.of(named(spec("100"), "same"), named(spec("100"), "same")),
                List.of(named(spec("100"), "")),
                List.of(withGpu(spec("100"), 25, new Attribute("vendor/nvidia/model/h100", "true"))),
                List.of(withGpu(spec("100"), 0, new Attribute("vendor/nvidia/model/h100", "true"))));
        for (List<GroupSpec> groups : bad) {
            rejectedCharged(c, "tenant", ErrorCode.INVALID_GROUPS, createDeployment(id(c, 1), groups, DEPOSIT));
        }
        // The limits themselves are accepted.
        c.ok(c.tx("tenant", createDeployment(id(c, 1), List.of(withUnitPrice(spec("100"), "10000000")), DEPOSIT)));
        c.ok(c.tx(
                "tenant",
                createDeployment(
                        id(c, 2),
                        List.of(withGpu(spec("100"), 24, new Attribute("vendor/nvidia/model/h100", "true"))),
                        DEPOSIT)));
    }

    /** The one resource unit of the test spec, changed by {@code f}. */
    private static GroupSpec withUnit(UnaryOperator<ResourceUnit> f) {
        GroupSpec g = spec("1");
        return new GroupSpec(
                g.name(), g.requirements(), List.of(f.apply(g.resources().get(0))));
    }

    private static ResourceUnit resources(ResourceUnit u, long cpuMillis, long memory, long storage) {
        Resources r = u.resources();
        return new ResourceUnit(
                new Resources(
                        r.id(),
                        new Cpu(cpuMillis, r.cpu().attributes()),
                        new Memory(memory, r.memory().attributes()),
                        List.of(new Volume("default", storage, List.of())),
                        r.gpu(),
                        r.endpoints()),
                u.count(),
                u.price());
    }

    @Test
    void resourceLimitsOfAGroupAreEnforcedAtTheBoundary() {
        TestChain c = chain1();
        long mi = 1L << 20;
        List<GroupSpec> bad = List.of(
                withUnit(u -> new ResourceUnit(u.resources(), 51, u.price())),
                withUnit(u -> new ResourceUnit(u.resources(), 0, u.price())),
                withUnit(u -> resources(u, 9, mi, 5 * mi)),
                withUnit(u -> resources(u, 384_001, mi, 5 * mi)),
                withUnit(u -> resources(u, 10, mi - 1, 5 * mi)),
                withUnit(u -> resources(u, 10, mi, 5 * mi - 1)),
                withUnit(u ->
                        new ResourceUnit(u.resources().with(0, u.resources().endpoints()), 1, u.price())));
        for (GroupSpec g : bad) {
            rejectedCharged(c, "tenant", ErrorCode.INVALID_GROUPS, createDeployment(id(c, 1), List.of(g), DEPOSIT));
        }
        List<ResourceUnit> units21 = new ArrayList<>();
        for (int i = 1; i <= 21; i++) {
            ResourceUnit u = spec("1").resources().get(0);
            units21.add(new ResourceUnit(u.resources().with(i, u.resources().endpoints()), 1, u.price()));
        }
        GroupSpec base = spec("1");
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.INVALID_GROUPS,
                createDeployment(id(c, 1), List.of(new GroupSpec(base.name(), base.requirements(), units21)), DEPOSIT));
        // At the limits: 50 replicas, 20 units, the smallest and largest sizes.
        c.ok(c.tx(
                "tenant",
                createDeployment(
                        id(c, 1),
                        List.of(
                                withUnit(u -> new ResourceUnit(u.resources(), 50, u.price())),
                                named(withUnit(u -> resources(u, 10, mi, 5 * mi)), "small"),
                                named(withUnit(u -> resources(u, 384_000, 2L << 40, 32L << 40)), "large"),
                                named(new GroupSpec(base.name(), base.requirements(), units21.subList(0, 20)), "wide")),
                        DEPOSIT)));
        assertThat(c.ledger.state().orders.get(order(id(c, 1), 1, 1)).maxPrice())
                .isEqualTo(price("50"));
        assertThat(c.ledger.state().orders.get(order(id(c, 1), 4, 1)).maxPrice())
                .isEqualTo(price("20"));
    }

    @Test
    void createForAnotherOwnerIsRefusedAtAdmission() {
        TestChain c = chain1();
        rejectedAtAdmission(
                c, c.tx("friend", createDeployment(id(c, 1), List.of(spec("100")), DEPOSIT)), ErrorCode.WRONG_SIGNER);
    }

    // ----- UpdateDeployment -----

    @Test
    void updateChangesTheManifestVersion() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        TxResult r = c.ok(c.tx("tenant", new Msg.UpdateDeployment(d, OTHER_VERSION)));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)), new Event.DeploymentUpdated(d, OTHER_VERSION));
        assertThat(c.ledger.state().deployments.get(d).versionHex()).isEqualTo(OTHER_VERSION);
        assertThat(c.ledger.state().deployments.get(d).state()).isEqualTo(DeploymentState.ACTIVE);
    }

    @Test
    void updateRejections() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(c, "tenant", ErrorCode.INVALID_HASH, new Msg.UpdateDeployment(d, VERSION));
        rejectedCharged(c, "tenant", ErrorCode.INVALID_HASH, new Msg.UpdateDeployment(d, "AB".repeat(32)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_NOT_FOUND, new Msg.UpdateDeployment(id(c, 2), OTHER_VERSION));
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_CLOSED, new Msg.UpdateDeployment(d, OTHER_VERSION));
    }

    // ----- DepositDeployment -----

    @Test
    void anyoneMayDepositAndIsRefundedOnClose() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        TxResult r = c.ok(c.tx("friend", new Msg.DepositDeployment(c.addr("friend"), d, usd(300_000))));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("friend"), vyo(FEE)),
                        new Event.EscrowDeposit(d, c.addr("friend"), usd(300_000)));
        EscrowAccount acc = c.ledger.state().escrow.get(d);
        assertThat(acc.funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT + 300_000));
        assertThat(acc.depositors())
                .containsExactly(
                        new Depositor(c.addr("tenant"), Escrow.dec(DEPOSIT)),
                        new Depositor(c.addr("friend"), Escrow.dec(300_000)));
        assertThat(c.balance("friend", USD)).isEqualTo(FUNDS - 300_000);

        TxResult closed = c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        assertThat(closed.events())
                .contains(
                        new Event.EscrowRefund(d, c.addr("tenant"), usd(DEPOSIT)),
                        new Event.EscrowRefund(d, c.addr("friend"), usd(300_000)));
        assertThat(c.balance("friend", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS);
    }

    @Test
    void leaseSpendsTheFirstDepositFirst() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1, List.of(spec("100")), 1_000_000);
        c.ok(c.tx("friend", new Msg.DepositDeployment(c.addr("friend"), d, usd(1_000_000))));
        BidId b = bid(c, "p", order(d), "100");
        c.ok(c.tx("tenant", new Msg.CreateLease(b)));
        long h = c.height();
        c.advanceTo(h + 9);
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 1_000);
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS - 1_000);
        assertThat(c.balance("friend", USD)).isEqualTo(FUNDS);
    }

    @Test
    void depositRejections() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(
                c, "friend", ErrorCode.INVALID_DENOMINATION, new Msg.DepositDeployment(c.addr("friend"), d, vyo(10)));
        rejectedCharged(c, "friend", ErrorCode.INVALID_COINS, new Msg.DepositDeployment(c.addr("friend"), d, usd(0)));
        rejectedCharged(
                c,
                "friend",
                ErrorCode.INSUFFICIENT_FUNDS,
                new Msg.DepositDeployment(c.addr("friend"), d, usd(FUNDS + 1)));
        rejectedCharged(
                c,
                "friend",
                ErrorCode.DEPLOYMENT_NOT_FOUND,
                new Msg.DepositDeployment(c.addr("friend"), id(c, 2), usd(10)));
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        rejectedCharged(
                c, "friend", ErrorCode.DEPLOYMENT_CLOSED, new Msg.DepositDeployment(c.addr("friend"), d, usd(10)));
    }

    // ----- CloseDeployment -----

    @Test
    void closeEndsGroupsOrdersBidsAndRefundsEverything() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1);
        BidId b = bid(c, "p", order(d), "60");
        TxResult r = c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        long h = c.height();
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.BidClosed(b, CloseReason.TENANT),
                        new Event.BidDepositRefund(b, vyo(BID_DEPOSIT)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupClosed(group(d, 1), CloseReason.TENANT),
                        new Event.EscrowRefund(d, c.addr("tenant"), usd(DEPOSIT)),
                        new Event.DeploymentClosed(d, CloseReason.TENANT));
        var s = c.ledger.state();
        Deployment dep = s.deployments.get(d);
        assertThat(dep.state()).isEqualTo(DeploymentState.CLOSED);
        assertThat(dep.closedAt()).isEqualTo(h);
        assertThat(dep.reason()).isEqualTo(CloseReason.TENANT);
        assertThat(s.groups.get(group(d, 1)).state()).isEqualTo(GroupState.CLOSED);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.CLOSED);
        assertThat(s.openOrders.contains(order(d))).isFalse();
        assertThat(s.bids.get(b).state()).isEqualTo(BidState.CLOSED);
        assertThat(s.bids.get(b).reason()).isEqualTo(CloseReason.TENANT);
        assertThat(s.escrow.get(d).state()).isEqualTo(AccountState.CLOSED);
        assertThat(s.escrow.get(d).funds().signum()).isZero();
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE);
    }

    @Test
    void closeFollowedByAFailingMessageRollsBackTheWholeCascade() {
        TestChain c = chain1();
        BidId lease = leased(c);
        DeploymentId d = lease.deployment();
        c.advanceTo(c.height() + 5);
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.DEPLOYMENT_CLOSED,
                new Msg.CloseDeployment(d),
                new Msg.UpdateDeployment(d, OTHER_VERSION));
        var s = c.ledger.state();
        assertThat(s.deployments.get(d).state()).isEqualTo(DeploymentState.ACTIVE);
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.ACTIVE);
        assertThat(s.payments.get(lease).state()).isEqualTo(PaymentState.OPEN);
        assertThat(s.escrow.get(d).state()).isEqualTo(AccountState.OPEN);
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS);
        // The lease still runs and is paid for every block since it started.
        long created = s.leases.get(lease).createdAt();
        c.ok(c.tx("p", new Msg.WithdrawLease(lease)));
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 60 * (c.height() - created));
    }

    @Test
    void depositMovesTheRunOutHeight() {
        TestChain c = chain1();
        BidId lease = leased(c);
        DeploymentId d = lease.deployment();
        long h = c.height();
        // 5,000,000 / 60 = 83,333.3… blocks.
        assertThat(c.ledger.state().escrow.get(d).runOutHeight()).isEqualTo(h + 83_334);
        c.ok(c.tx("friend", new Msg.DepositDeployment(c.addr("friend"), d, usd(40))));
        // 5,000,040 / 60 = 83,334 blocks exactly.
        assertThat(c.ledger.state().escrow.get(d).runOutHeight()).isEqualTo(h + 83_334);
        c.ok(c.tx("friend", new Msg.DepositDeployment(c.addr("friend"), d, usd(1))));
        assertThat(c.ledger.state().escrow.get(d).runOutHeight()).isEqualTo(h + 83_335);
    }

    @Test
    void closeRejections() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_NOT_FOUND, new Msg.CloseDeployment(id(c, 2)));
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_CLOSED, new Msg.CloseDeployment(d));
        rejectedAtAdmission(c, c.tx("friend", new Msg.CloseDeployment(id(c, 3))), ErrorCode.WRONG_SIGNER);
    }

    // ----- CloseGroup -----

    @Test
    void closeGroupWithoutLeaseClosesItsOrderAndKeepsTheEscrow() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        TxResult r = c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupClosed(group(d, 1), CloseReason.TENANT));
        var s = c.ledger.state();
        assertThat(s.groups.get(group(d, 1)).state()).isEqualTo(GroupState.CLOSED);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.CLOSED);
        assertThat(s.deployments.get(d).state()).isEqualTo(DeploymentState.ACTIVE);
        assertThat(s.escrow.get(d).state()).isEqualTo(AccountState.OPEN);
        assertThat(s.escrow.get(d).funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT));
    }

    @Test
    void closeGroupWithALeasePaysTheProviderAndLeavesTheRestInEscrow() {
        TestChain c = chain1();
        BidId lease = leased(c);
        DeploymentId d = lease.deployment();
        long h = c.height();
        c.advanceTo(h + 9);
        TxResult r = c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.EscrowPayment(lease, c.addr("p"), usd(600)),
                        new Event.LeaseClosed(lease, CloseReason.TENANT),
                        new Event.BidClosed(lease, CloseReason.TENANT),
                        new Event.BidDepositRefund(lease, vyo(BID_DEPOSIT)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupClosed(group(d, 1), CloseReason.TENANT));
        var s = c.ledger.state();
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.CLOSED);
        assertThat(s.leases.get(lease).reason()).isEqualTo(CloseReason.TENANT);
        assertThat(s.leases.get(lease).closedAt()).isEqualTo(h + 10);
        assertThat(s.payments.get(lease).state()).isEqualTo(PaymentState.CLOSED);
        assertThat(s.escrow.get(d).state()).isEqualTo(AccountState.OPEN);
        assertThat(s.escrow.get(d).funds()).isEqualByComparingTo(BigDecimal.valueOf(DEPOSIT - 600));
        assertThat(s.escrow.get(d).runOutHeight()).isZero();
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 600);
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - BID_FEE);

        // Closing the deployment later refunds what is left.
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        assertThat(c.balance("tenant", USD)).isEqualTo(FUNDS - 600);
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 600);
    }

    @Test
    void closeGroupRejections() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(c, "tenant", ErrorCode.GROUP_NOT_FOUND, new Msg.CloseGroup(group(d, 2)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_NOT_FOUND, new Msg.CloseGroup(group(id(c, 9), 1)));
        c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_CLOSED, new Msg.CloseGroup(group(d, 1)));
    }

    @Test
    void groupMessagesOnAClosedDeploymentAreRejected() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        c.ok(c.tx("tenant", new Msg.CloseDeployment(d)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_CLOSED, new Msg.CloseGroup(group(d, 1)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_CLOSED, new Msg.PauseGroup(group(d, 1)));
        rejectedCharged(c, "tenant", ErrorCode.DEPLOYMENT_CLOSED, new Msg.StartGroup(group(d, 1)));
    }

    // ----- PauseGroup / StartGroup -----

    @Test
    void pauseEndsTheLeaseAndStartMakesTheNextOrder() {
        TestChain c = chain1();
        BidId lease = leased(c);
        DeploymentId d = lease.deployment();
        GroupId g = group(d, 1);
        long h = c.height();
        c.advanceTo(h + 4);
        TxResult paused = c.ok(c.tx("tenant", new Msg.PauseGroup(g)));
        assertThat(paused.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.EscrowPayment(lease, c.addr("p"), usd(300)),
                        new Event.LeaseClosed(lease, CloseReason.TENANT),
                        new Event.BidClosed(lease, CloseReason.TENANT),
                        new Event.BidDepositRefund(lease, vyo(BID_DEPOSIT)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupPaused(g));
        var s = c.ledger.state();
        assertThat(s.groups.get(g).state()).isEqualTo(GroupState.PAUSED);
        assertThat(s.leases.get(lease).state()).isEqualTo(LeaseState.CLOSED);
        assertThat(s.orders.get(order(d)).state()).isEqualTo(OrderState.CLOSED);
        assertThat(s.openOrders.isEmpty()).isTrue();
        assertThat(c.balance("p", USD)).isEqualTo(FUNDS + 300);

        // No bid on a paused group's old order.
        rejectedCharged(c, "p", ErrorCode.ORDER_NOT_OPEN, createBid(c, "p", order(d), "50"));

        TxResult started = c.ok(c.tx("tenant", new Msg.StartGroup(g)));
        OrderId second = order(d, 1, 2);
        assertThat(started.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.GroupStarted(g),
                        new Event.OrderCreated(second, price("100")));
        assertThat(s.groups.get(g).state()).isEqualTo(GroupState.OPEN);
        assertThat(s.orders.get(second).state()).isEqualTo(OrderState.OPEN);
        assertThat(s.openOrders.entries()).containsExactly(second);
        // The same provider may bid again on the new order.
        bid(c, "p", second, "55");
    }

    @Test
    void pauseAndStartWithoutLease() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        GroupId g = group(d, 1);
        TxResult r = c.ok(c.tx("tenant", new Msg.PauseGroup(g)));
        assertThat(r.events())
                .containsExactlyInAnyOrder(
                        new Event.FeePaid(c.addr("tenant"), vyo(FEE)),
                        new Event.OrderClosed(order(d)),
                        new Event.GroupPaused(g));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_PAUSED, new Msg.PauseGroup(g));
        c.ok(c.tx("tenant", new Msg.StartGroup(g)));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_OPEN, new Msg.StartGroup(g));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_NOT_FOUND, new Msg.StartGroup(group(d, 3)));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_NOT_FOUND, new Msg.PauseGroup(group(d, 3)));
    }

    @Test
    void pauseAndStartInOneTransactionRollBackTogether() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        rejectedCharged(
                c,
                "tenant",
                ErrorCode.GROUP_PAUSED,
                new Msg.PauseGroup(group(d, 1)),
                new Msg.StartGroup(group(d, 1)),
                new Msg.PauseGroup(group(d, 1)),
                new Msg.PauseGroup(group(d, 1)));
        assertThat(c.ledger.state().groups.get(group(d, 1)).state()).isEqualTo(GroupState.OPEN);
        assertThat(c.ledger.state().orders.contains(order(d, 1, 2))).isFalse();
    }

    /** Akash answers a closed group with ErrGroupClosed (ValidatePausable / ValidateStartable). */
    @Test
    void pauseOrStartOfAClosedGroupSaysItIsClosed() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_CLOSED, new Msg.PauseGroup(group(d, 1)));
        rejectedCharged(c, "tenant", ErrorCode.GROUP_CLOSED, new Msg.StartGroup(group(d, 1)));
    }

    @Test
    void closedGroupCannotBePausedOrStarted() {
        TestChain c = chain1();
        DeploymentId d = deploy(c, "tenant", 1);
        c.ok(c.tx("tenant", new Msg.CloseGroup(group(d, 1))));
        TxResult p =
                c.block(c.tx("tenant", new Msg.PauseGroup(group(d, 1)))).txs().get(0);
        assertThat(p.ok()).isFalse();
        assertThat(p.charged()).isTrue();
        TxResult s =
                c.block(c.tx("tenant", new Msg.StartGroup(group(d, 1)))).txs().get(0);
        assertThat(s.ok()).isFalse();
        assertThat(s.charged()).isTrue();
        assertThat(c.ledger.state().groups.get(group(d, 1)).state()).isEqualTo(GroupState.CLOSED);
        assertThat(c.ledger.state().orders.contains(order(d, 1, 2))).isFalse();
    }
}

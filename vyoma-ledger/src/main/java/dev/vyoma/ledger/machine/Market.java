package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.market.OrderState;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.ledger.tx.Msg;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Orders, bids and leases: the market's messages and the cascades other modules start. */
public final class Market {
    private Market() {}

    // ----- orders -----

    /** Opens the next order of a group (oseq one past its last order). */
    public static void createOrder(Context ctx, Group group) {
        List<Order> existing = ordersOf(ctx, group.id());
        int oseq =
                existing.isEmpty() ? 1 : existing.get(existing.size() - 1).id().oseq() + 1;
        for (Order o : existing) {
            Rejected.unless(
                    o.state() == OrderState.CLOSED,
                    ErrorCode.INVALID_REQUEST,
                    () -> "group " + group.id() + " already has an order open");
        }
        OrderId id = new OrderId(group.id(), oseq);
        Order order = new Order(id, OrderState.OPEN, group.spec().price(), ctx.height());
        ctx.state().orders.put(id, order);
        ctx.emit(new Event.OrderCreated(id, order.maxPrice()));
    }

    /** Every order of a group, oldest first. */
    public static List<Order> ordersOf(Context ctx, GroupId group) {
        List<OrderId> ids = ctx.state().ordersByGroup.keys(group);
        List<Order> out = new ArrayList<>(ids.size());
        for (OrderId id : ids) {
            out.add(ctx.state().orders.get(id));
        }
        return out;
    }

    /** Every bid on an order, in provider order. */
    public static List<Bid> bidsOf(LedgerState s, OrderId order) {
        List<BidId> ids = s.bidsByOrder.keys(order);
        List<Bid> out = new ArrayList<>(ids.size());
        for (BidId id : ids) {
            out.add(s.bids.get(id));
        }
        return out;
    }

    /**
     * Ends a group's market activity: its open or active order closes, open bids close and are refunded,
     * an active lease ends with {@code reason} (state insufficient_funds for that reason, else closed)
     * and its payment settles and pays out.
     */
    public static void endGroup(Context ctx, GroupId group, CloseReason reason) {
        for (Order o : ordersOf(ctx, group)) {
            if (o.state() == OrderState.CLOSED) {
                continue;
            }
            for (Bid b : bidsOf(ctx.state(), o.id())) {
                if (b.state() == BidState.ACTIVE) {
                    endLease(ctx, b.id(), reason);
                } else if (b.state() == BidState.OPEN) {
                    closeBid(ctx, b, BidState.CLOSED, reason);
                }
            }
            closeOrder(ctx, o);
        }
    }

    private static void closeOrder(Context ctx, Order o) {
        ctx.state().orders.put(o.id(), o.with(OrderState.CLOSED));
        ctx.emit(new Event.OrderClosed(o.id()));
    }

    private static void closeBid(Context ctx, Bid b, BidState state, CloseReason reason) {
        ctx.state().bids.put(b.id(), b.ended(state, ctx.height(), reason));
        Bank.credit(ctx, b.id().provider(), b.deposit());
        if (state == BidState.LOST) {
            ctx.emit(new Event.BidLost(b.id()));
        } else {
            ctx.emit(new Event.BidClosed(b.id(), reason));
        }
        if (!b.deposit().isZero()) {
            ctx.emit(new Event.BidDepositRefund(b.id(), b.deposit()));
        }
    }

    /** Ends an active lease and its bid and payment (not its order). */
    private static void endLease(Context ctx, BidId id, CloseReason reason) {
        Lease lease = ctx.state().leases.get(id);
        Escrow.closePayment(ctx, id);
        LeaseState state =
                reason.equals(CloseReason.INSUFFICIENT_FUNDS) ? LeaseState.INSUFFICIENT_FUNDS : LeaseState.CLOSED;
        ctx.state().leases.put(id, lease.closed(state, ctx.height(), reason));
        ctx.emit(new Event.LeaseClosed(id, reason));
        closeBid(ctx, ctx.state().bids.get(id), BidState.CLOSED, reason);
    }

    // ----- messages -----

    static void createBid(Context ctx, Msg.CreateBid m) {
        var p = ctx.params();
        Rejected.unless(
                m.deposit().denom().equals(p.bidDepositDenom()) && m.deposit().amount() >= p.minBidDeposit(),
                ErrorCode.INVALID_BID_DEPOSIT,
                () -> "a bid deposit is at least " + p.minBidDeposit() + p.bidDepositDenom() + ", got " + m.deposit());
        Order order = ctx.state().orders.get(m.order());
        Rejected.unless(order != null, ErrorCode.ORDER_NOT_FOUND, () -> "no order " + m.order());
        Rejected.unless(
                order.state() == OrderState.OPEN,
                ErrorCode.ORDER_NOT_OPEN,
                () -> "order " + m.order() + " is " + order.state().name().toLowerCase(Locale.ROOT));
        Address owner = m.order().group().deployment().owner();
        Rejected.unless(
                !owner.equals(m.provider()), ErrorCode.SAME_ACCOUNT, "a provider cannot bid on its own deployment");
        BidId id = new BidId(m.order(), m.provider());
        Rejected.unless(
                !ctx.state().bids.contains(id),
                ErrorCode.BID_EXISTS,
                () -> "provider " + m.provider() + " already bid on order " + m.order());
        long live = bidsOf(ctx.state(), m.order()).stream()
                .filter(b -> b.state() != BidState.LOST)
                .count();
        Rejected.unless(
                live < p.maxBidsPerOrder(),
                ErrorCode.TOO_MANY_BIDS,
                () -> "order " + m.order() + " already has " + live + " bids, the most allowed");
        Rejected.unless(
                m.price().amount().signum() > 0, ErrorCode.BID_ZERO_PRICE, "a bid price must be more than zero");
        Rejected.unless(
                m.price().denom().equals(order.maxPrice().denom()),
                ErrorCode.BID_INVALID_PRICE,
                () -> "the order is priced in " + order.maxPrice().denom() + ", not "
                        + m.price().denom());
        Rejected.unless(
                m.price().amount().compareTo(order.maxPrice().amount()) <= 0,
                ErrorCode.BID_INVALID_PRICE,
                () -> "bid " + m.price() + " is above the order's maximum " + order.maxPrice());
        Provider provider = ctx.state().providers.get(m.provider());
        Rejected.unless(
                provider != null, ErrorCode.UNKNOWN_PROVIDER, () -> m.provider() + " is not a registered provider");
        Group group = ctx.state().groups.get(m.order().group());
        String requirements =
                Matching.requirementsMismatch(group.spec(), provider.attributes(), audited(ctx, m.provider()));
        Rejected.unless(requirements == null, ErrorCode.ATTRIBUTE_MISMATCH, () -> requirements);
        String capabilities = Matching.capabilitiesMismatch(group.spec(), provider.attributes());
        Rejected.unless(capabilities == null, ErrorCode.CAPABILITIES_MISMATCH, () -> capabilities);
        Bank.debit(ctx, m.provider(), m.deposit(), "the bid deposit");
        ctx.state().bids.put(id, new Bid(id, BidState.OPEN, m.price(), m.deposit(), ctx.height(), 0, null));
        ctx.emit(new Event.BidCreated(id, m.price()));
    }

    private static List<Matching.Audited> audited(Context ctx, Address provider) {
        return Matching.audited(ctx.state(), provider);
    }

    static void closeBidMsg(Context ctx, Msg.CloseBid m) {
        Bid bid = ctx.state().bids.get(m.id());
        Rejected.unless(bid != null, ErrorCode.UNKNOWN_BID, () -> "no bid " + m.id());
        CloseReason reason = new CloseReason(m.reason());
        Rejected.unless(
                reason.byProvider(),
                ErrorCode.INVALID_CLOSE_REASON,
                () -> "a provider closes with a reason 10000–19999, got " + m.reason());
        if (bid.state() == BidState.OPEN) {
            closeBid(ctx, bid, BidState.CLOSED, reason);
            return;
        }
        Rejected.unless(
                bid.state() == BidState.ACTIVE,
                ErrorCode.BID_NOT_ACTIVE,
                () -> "bid " + m.id() + " is " + bid.state().name().toLowerCase(Locale.ROOT));
        // The provider ends the lease: the group pauses until its owner starts it again.
        GroupId gid = m.id().order().group();
        Group group = ctx.state().groups.get(gid);
        endLease(ctx, m.id(), reason);
        closeOrder(ctx, ctx.state().orders.get(m.id().order()));
        if (group.state() == GroupState.OPEN) {
            ctx.state().groups.put(gid, group.with(GroupState.PAUSED));
            ctx.emit(new Event.GroupPaused(gid));
        }
    }

    static void createLease(Context ctx, Msg.CreateLease m) {
        Bid bid = ctx.state().bids.get(m.bid());
        Rejected.unless(bid != null, ErrorCode.UNKNOWN_BID, () -> "no bid " + m.bid());
        Rejected.unless(
                bid.state() == BidState.OPEN,
                ErrorCode.BID_NOT_OPEN,
                () -> "bid " + m.bid() + " is " + bid.state().name().toLowerCase(Locale.ROOT));
        Order order = ctx.state().orders.get(m.bid().order());
        Rejected.unless(
                order.state() == OrderState.OPEN,
                ErrorCode.ORDER_NOT_OPEN,
                () -> "order " + order.id() + " is not open");
        Group group = ctx.state().groups.get(m.bid().order().group());
        Rejected.unless(
                group.state() == GroupState.OPEN,
                ErrorCode.INVALID_REQUEST,
                () -> "group " + group.id() + " is not open");
        Deployment d = ctx.state().deployments.get(m.bid().deployment());
        Rejected.unless(
                d.state() == DeploymentState.ACTIVE,
                ErrorCode.DEPLOYMENT_CLOSED,
                () -> "deployment " + d.id() + " is closed");
        Rejected.unless(
                ctx.state().providers.contains(m.bid().provider()),
                ErrorCode.UNKNOWN_PROVIDER,
                () -> "provider " + m.bid().provider() + " is no longer registered; choose another bid");
        Escrow.createPayment(ctx, m.bid(), bid.price());
        ctx.state().leases.put(m.bid(), new Lease(m.bid(), LeaseState.ACTIVE, bid.price(), ctx.height(), 0, null));
        ctx.state().orders.put(order.id(), order.with(OrderState.ACTIVE));
        ctx.state().bids.put(bid.id(), bid.with(BidState.ACTIVE));
        ctx.emit(new Event.LeaseCreated(m.bid(), bid.price()));
        for (Bid other : bidsOf(ctx.state(), order.id())) {
            if (other.state() == BidState.OPEN) {
                closeBid(ctx, other, BidState.LOST, CloseReason.LOST);
            }
        }
    }

    static void closeLease(Context ctx, Msg.CloseLease m) {
        tenantCloses(ctx, m.lease(), CloseReason.TENANT);
    }

    static void closeLeaseForFault(Context ctx, Msg.CloseLeaseForFault m) {
        CloseReason reason = new CloseReason(m.reason());
        Rejected.unless(
                reason.tenantBlamesProvider(),
                ErrorCode.INVALID_CLOSE_REASON,
                () -> "a tenant closes a lease for its provider's fault with reason 2 (unresponsive) or 3 (lease"
                        + " failed), got " + m.reason());
        tenantCloses(ctx, m.lease(), reason);
    }

    /** The tenant ends an active lease with {@code reason}; an open group gets a new order. */
    private static void tenantCloses(Context ctx, BidId id, CloseReason reason) {
        Lease lease = ctx.state().leases.get(id);
        Rejected.unless(lease != null, ErrorCode.UNKNOWN_LEASE, () -> "no lease " + id);
        Rejected.unless(
                lease.state() == LeaseState.ACTIVE,
                ErrorCode.LEASE_NOT_ACTIVE,
                () -> "lease " + id + " is " + lease.state().name().toLowerCase(Locale.ROOT));
        endLease(ctx, id, reason);
        closeOrder(ctx, ctx.state().orders.get(id.order()));
        Group group = ctx.state().groups.get(id.order().group());
        if (group.state() == GroupState.OPEN) {
            createOrder(ctx, group);
        }
    }

    static void withdraw(Context ctx, Msg.WithdrawLease m) {
        Lease lease = ctx.state().leases.get(m.lease());
        Rejected.unless(lease != null, ErrorCode.UNKNOWN_LEASE, () -> "no lease " + m.lease());
        Rejected.unless(
                lease.state() == LeaseState.ACTIVE,
                ErrorCode.LEASE_NOT_ACTIVE,
                () -> "lease " + m.lease() + " is " + lease.state().name().toLowerCase(Locale.ROOT));
        Escrow.withdraw(ctx, m.lease());
    }

    /** Handles the market's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.CreateBid b -> createBid(ctx, b);
            case Msg.CloseBid b -> closeBidMsg(ctx, b);
            case Msg.CreateLease l -> createLease(ctx, l);
            case Msg.CloseLease l -> closeLease(ctx, l);
            case Msg.CloseLeaseForFault l -> closeLeaseForFault(ctx, l);
            case Msg.WithdrawLease w -> withdraw(ctx, w);
            default -> throw new IllegalArgumentException("not a market message: " + m.kind());
        }
    }
}

package dev.vyoma.sim;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.Invariant;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The providers' behaviour: they join on their group's schedule, evaluate each new order with the real bid engine
 * (the cheapest few bid), hold what they bid and lease, fail and recover, leave, change their prices, and report
 * their capacity as the stats module's status snapshots.
 */
final class ProviderAgents {
    private final Scenario sc;
    private final ScenarioCalendar calendar;
    private final Outbox outbox;
    private final Metrics metrics;
    private final List<SimProvider> providers;
    private final Map<Address, SimProvider> byAddress;
    private final SplittableRandom random;
    private final TenantAgents tenants;

    /** {@code random} draws the gaps between failures; {@code tenants} knows which orders hold open bids. */
    ProviderAgents(
            Scenario scenario,
            ScenarioCalendar calendar,
            Outbox outbox,
            Metrics metrics,
            List<SimProvider> providers,
            Map<Address, SimProvider> byAddress,
            SplittableRandom random,
            TenantAgents tenants) {
        this.sc = scenario;
        this.calendar = calendar;
        this.outbox = outbox;
        this.metrics = metrics;
        this.providers = providers;
        this.byAddress = byAddress;
        this.random = random;
        this.tenants = tenants;
    }

    /** Schedules each provider's joining (spread over its group's days) and its first failure. */
    void schedule() {
        for (SimProvider p : providers) {
            Scenario.ProviderGroup g = p.group;
            int i = p.index - firstIndex(g);
            double day = g.joinToDay() > g.joinFromDay()
                    ? g.joinFromDay() + (g.joinToDay() - g.joinFromDay()) * i / g.count()
                    : g.joinFromDay();
            long h = day <= 0 ? 1 : calendar.heightOfDay(day);
            calendar.schedule(h, ScenarioCalendar.ActionKind.JOIN, p);
            if (g.failure() != null) {
                calendar.schedule(h + calendar.failureGap(g.failure(), random), ScenarioCalendar.ActionKind.FAIL, p);
            }
        }
    }

    private int firstIndex(Scenario.ProviderGroup g) {
        for (SimProvider p : providers) {
            if (p.group == g) {
                return p.index;
            }
        }
        throw new IllegalStateException("group without providers");
    }

    /** Providers that could fit evaluate the order; the {@code bidders} cheapest bid, the others withhold. */
    void bidOn(Event.OrderCreated o, TenantAgents.Kind k) {
        String order = o.id().toString();
        List<Offer> offers = new ArrayList<>();
        for (SimProvider p : providers) {
            if (!p.active() || !p.mightFit(k.group, k.spec.gpuModel(), k.gpuUnits, k.cpuMillis, k.memoryBytes)) {
                continue;
            }
            metrics.evaluations++;
            BidEngine.Decision d = p.evaluate(order, k.group, sc.pricing().get(p.group.pricing()), sc.blockSeconds());
            if (d instanceof BidEngine.Bid b) {
                offers.add(new Offer(p, b.price()));
            }
        }
        offers.sort(Comparator.comparing((Offer f) -> f.price().amount()).thenComparingInt(f -> f.provider().index));
        for (int i = 0; i < offers.size(); i++) {
            Offer f = offers.get(i);
            if (i < sc.bidders()) {
                outbox.send(
                        f.provider().address,
                        new Msg.CreateBid(o.id(), f.provider().address, f.price(), MarketSim.BID_DEPOSIT));
            } else {
                f.provider().release(order);
            }
        }
    }

    private record Offer(SimProvider provider, DecCoin price) {}

    /** Provider {@code provider} no longer holds what it reserved for {@code order}. */
    void release(Address provider, OrderId order) {
        byAddress.get(provider).release(order.toString());
    }

    void joined(Event.ProviderCreated p) {
        byAddress.get(p.owner()).joined = true;
    }

    void paid(Event.EscrowPayment p) {
        SimProvider sp = byAddress.get(p.provider());
        if (sp != null) {
            sp.paidMicro += p.amount().amount();
        }
    }

    /** A lease started: its provider marks what it reserved as leased, and ends it at once if it is not active. */
    void leaseStarted(Event.LeaseCreated l) {
        SimProvider p = byAddress.get(l.id().provider());
        String order = l.id().order().toString();
        Invariant.check(p.inventory.markLeased(order), () -> "provider " + p.name + " holds nothing for " + order);
        p.leased.add(l.id());
        p.leases++;
        if (!p.active()) {
            // A bid won while its provider is down or gone: the provider ends the lease at once.
            outbox.sendAlone(p.address, new Msg.CloseBid(l.id(), CloseReason.PROVIDER_UNSTABLE.code()));
        }
    }

    void leaseEnded(Event.LeaseClosed l) {
        SimProvider p = byAddress.get(l.id().provider());
        p.release(l.id().order().toString());
        p.leased.remove(l.id());
    }

    /** Runs a provider action due at {@code height}. */
    void due(ScenarioCalendar.Action act, long height) {
        switch (act.kind()) {
            case JOIN -> {
                SimProvider p = (SimProvider) act.subject();
                p.online = true;
                outbox.send(p.address, new Msg.CreateProvider(p.address, p.hostUri, p.attributes, "", ""));
            }
            case FAIL -> {
                SimProvider p = (SimProvider) act.subject();
                if (!p.left) {
                    p.online = false;
                    closeAll(p, CloseReason.PROVIDER_UNSTABLE.code());
                    calendar.schedule(
                            height + Math.max(1, (long) (p.group.failure().downHours() * 3600 / sc.blockSeconds())),
                            ScenarioCalendar.ActionKind.RECOVER,
                            p);
                }
            }
            case RECOVER -> {
                SimProvider p = (SimProvider) act.subject();
                if (!p.left) {
                    p.online = true;
                    calendar.schedule(
                            height + calendar.failureGap(p.group.failure(), random),
                            ScenarioCalendar.ActionKind.FAIL,
                            p);
                }
            }
            case LEAVE -> {
                for (SimProvider p : providers) {
                    if (p.group.name().equals(act.subject()) && !p.left) {
                        p.left = true;
                        closeAll(p, CloseReason.PROVIDER_DECOMMISSION.code());
                        calendar.schedule(height + 4, ScenarioCalendar.ActionKind.DELETE, p);
                    }
                }
            }
            case DELETE -> {
                SimProvider p = (SimProvider) act.subject();
                if (p.joined && p.leased.isEmpty()) {
                    outbox.send(p.address, new Msg.DeleteProvider(p.address));
                } else if (p.joined) {
                    calendar.schedule(height + 2, ScenarioCalendar.ActionKind.DELETE, p);
                }
            }
            case PRICE -> {
                Scenario.PriceChange c = (Scenario.PriceChange) act.subject();
                for (SimProvider p : providers) {
                    if (p.group.pricing().equals(c.pricing())) {
                        p.priceFactors.merge(c.resource(), BigDecimal.valueOf(c.factor()), BigDecimal::multiply);
                        p.repriced();
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a provider action: " + act.kind());
        }
    }

    /** A provider going away closes its leases and withdraws its open bids (reason {@code code}). */
    private void closeAll(SimProvider p, int code) {
        for (String order : p.heldOrders()) {
            OrderId id = parseOrderOf(p, order);
            if (id != null) {
                outbox.sendAlone(p.address, new Msg.CloseBid(new BidId(id, p.address), code));
            }
        }
    }

    private OrderId parseOrderOf(SimProvider p, String order) {
        for (BidId b : p.leased) {
            if (b.order().toString().equals(order)) {
                return b.order();
            }
        }
        return tenants.openBidOrder(p, order);
    }

    /**
     * Samples each provider's capacity into the day's metrics, and on the day's last sample adds its status
     * snapshot (a failed one while it is offline) to {@code snapshots}.
     */
    void sample(long height, List<CapacitySnapshot> snapshots) {
        long t = sc.genesisMillis() + height * calendar.blockMillis;
        int day = calendar.dayIndex(height);
        long pos = height % calendar.blocksPerDay;
        boolean lastOfDay = pos != 0 && pos + sc.snapshotMinutes() * 60L / sc.blockSeconds() >= calendar.blocksPerDay;
        for (SimProvider p : providers) {
            if (!p.joined || p.left) {
                continue;
            }
            if (!p.online) {
                if (lastOfDay) {
                    snapshots.add(CapacitySnapshot.failed(p.address, t, "offline (simulated failure)"));
                }
                continue;
            }
            Inventory.Capacity c = p.inventory.capacity();
            List<CapacitySnapshot.GpuModel> gpus = new ArrayList<>();
            for (Inventory.GpuAmount g : c.gpus()) {
                Inventory.Amount n = g.amount();
                if (day >= 0) {
                    Metrics.Day d = metrics.day(day, g.device().model());
                    d.samples++;
                    d.capacitySum += n.total();
                    d.allocatedSum += n.allocated();
                    d.reservedSum += n.reserved();
                }
                gpus.add(new CapacitySnapshot.GpuModel(
                        g.device().vendor(),
                        g.device().model(),
                        g.device().ram(),
                        g.device().iface(),
                        new CapacitySnapshot.Resource(n.total(), n.total(), n.allocated())));
            }
            if (day >= 0) {
                Metrics.Day d = metrics.day(day, "cpu");
                d.samples++;
                d.capacitySum += c.cpu().total() / 1000;
                d.allocatedSum += c.cpu().allocated() / 1000;
                d.reservedSum += c.cpu().reserved() / 1000;
            }
            if (lastOfDay) {
                snapshots.add(new CapacitySnapshot(
                        p.address,
                        t,
                        true,
                        null,
                        "simulated",
                        c.leases(),
                        new CapacitySnapshot.Resource(
                                c.cpu().total(), c.cpu().total(), c.cpu().allocated()),
                        new CapacitySnapshot.Resource(
                                c.memory().total(),
                                c.memory().total(),
                                c.memory().allocated()),
                        new CapacitySnapshot.Resource(
                                c.ephemeral().total(),
                                c.ephemeral().total(),
                                c.ephemeral().allocated()),
                        gpus));
            }
        }
    }
}

package dev.vyoma.sim;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tenants' behaviour: requests arrive by kind (a ramp, surges), each is deployed, the tenant takes the
 * cheapest (or a random) bid, closes the deployment when the work is done, starts the group again when a provider
 * ends its lease, gives up after its patience, and retries a few times before the request counts as unmet.
 */
final class TenantAgents {
    /** One tenant workload kind, with its group spec and arrival stream. */
    static final class Kind {
        final int index;
        final Scenario.TenantKind spec;
        final GroupSpec group;
        final String resource;
        final long gpuUnits;
        final long cpuMillis;
        final long memoryBytes;
        final BigDecimal maxPerBlock;
        /** The kind's arrivals without any surge, and their durations: the same in every scenario of a seed. */
        final SplittableRandom arrivals;
        /** The arrivals a surge adds (and their durations), from a stream of their own. */
        final SplittableRandom extra;

        double maxRate;
        double nextBlock;
        double extraMaxRate;
        double nextExtraBlock;

        Kind(int index, Scenario.TenantKind spec, GroupSpec group, SplittableRandom arrivals, SplittableRandom extra) {
            this.index = index;
            this.spec = spec;
            this.group = group;
            this.resource = spec.gpu() ? spec.gpuModel() : "cpu";
            long g = 0, c = 0, m = 0;
            for (ResourceUnit u : group.resources()) {
                g += u.resources().gpu().units() * u.count();
                c += u.resources().cpu().millicores() * u.count();
                m += u.resources().memory().bytes() * u.count();
            }
            this.gpuUnits = g;
            this.cpuMillis = c;
            this.memoryBytes = m;
            this.maxPerBlock = group.price().amount();
            this.arrivals = arrivals;
            this.extra = extra;
        }

        /** Units a price is quoted per: GPUs, or CPU cores. */
        BigDecimal units() {
            return gpuUnits > 0 ? BigDecimal.valueOf(gpuUnits) : BigDecimal.valueOf(cpuMillis, 3);
        }
    }

    /** Demand for one workload: it may take several deployments (retries) to be served. */
    static final class Request {
        final Kind kind;
        final long durationBlocks;
        final int day;
        int retriesLeft;
        long firstHeight = -1;
        boolean filled;

        Request(Kind kind, long durationBlocks, int day) {
            this.kind = kind;
            this.durationBlocks = durationBlocks;
            this.day = day;
            this.retriesLeft = kind.spec.retries();
        }
    }

    /** One deployment of a request, and where it stands. */
    static final class Attempt {
        final Request request;
        final DeploymentId id;
        final KeyPair tenant;
        OrderId order;
        final List<Event.BidCreated> bids = new ArrayList<>();
        boolean choosing;
        BidId lease;
        long leasedBlocks;
        long leaseHeight;
        boolean closing;

        Attempt(Request request, DeploymentId id, KeyPair tenant) {
            this.request = request;
            this.id = id;
            this.tenant = tenant;
        }
    }

    private final Scenario sc;
    private final ScenarioCalendar calendar;
    private final Outbox outbox;
    private final Metrics metrics;
    private final List<KeyPair> tenants;
    private final SplittableRandom random;
    private final long[] dseqs;
    private final List<Kind> kinds = new ArrayList<>();
    private final Map<DeploymentId, Attempt> attempts = new HashMap<>();
    private int nextTenant;

    /** The tenants' accounts {@code tenants}; {@code random} draws a random choice among bids. */
    TenantAgents(
            Scenario scenario,
            ScenarioCalendar calendar,
            Outbox outbox,
            Metrics metrics,
            List<KeyPair> tenants,
            SplittableRandom random) {
        this.sc = scenario;
        this.calendar = calendar;
        this.outbox = outbox;
        this.metrics = metrics;
        this.tenants = tenants;
        this.random = random;
        this.dseqs = new long[tenants.size()];
    }

    /** Adds a workload kind whose first arrivals are drawn now, in the order the scenario lists its kinds. */
    void addKind(Kind k) {
        Scenario.TenantKind t = k.spec;
        k.maxRate = Math.max(t.arrivalsPerDay(), t.arrivalsPerDayEnd()) / calendar.blocksPerDay;
        k.nextBlock = k.maxRate > 0 ? ScenarioCalendar.draw(k.arrivals, k.maxRate) : Double.MAX_VALUE;
        k.extraMaxRate = k.maxRate * (calendar.surgeFactor(t) - 1);
        k.nextExtraBlock = k.extraMaxRate > 0 ? ScenarioCalendar.draw(k.extra, k.extraMaxRate) : Double.MAX_VALUE;
        kinds.add(k);
    }

    void deploymentCreated(Event.DeploymentCreated c, long height) {
        Attempt a = attempts.get(c.id());
        if (a != null && a.request.firstHeight < 0) {
            a.request.firstHeight = height;
        }
    }

    /** The kind of workload an order of ours is for (its earlier bids forgotten), or null when it is not ours. */
    Kind orderCreated(Event.OrderCreated o) {
        Attempt a = attempts.get(o.id().group().deployment());
        if (a == null || a.closing) {
            return null;
        }
        a.order = o.id();
        a.bids.clear();
        return a.request.kind;
    }

    /** The attempt that received bid {@code b} and is still choosing, or null. */
    Attempt bidCreated(Event.BidCreated b) {
        Attempt a = attempts.get(b.id().deployment());
        if (a != null && a.lease == null && !a.closing) {
            a.bids.add(b);
            return a;
        }
        return null;
    }

    /** A lease this tenant sent was rejected: the tenant may choose again. */
    void leaseRejected(Msg.CreateLease l) {
        Attempt a = attempts.get(l.bid().order().group().deployment());
        if (a != null) {
            a.choosing = false;
        }
    }

    void deploymentClosed(Event.DeploymentClosed d, long height) {
        Attempt a = attempts.remove(d.id());
        if (a != null && a.lease == null && !a.request.filled && !a.closing) {
            giveUp(a, height);
        }
    }

    void choose(Attempt a) {
        if (a.choosing || a.bids.isEmpty()) {
            return;
        }
        Event.BidCreated pick;
        if (a.request.kind.spec.choose().equals("random")) {
            pick = a.bids.get(random.nextInt(a.bids.size()));
        } else {
            pick = a.bids.get(0);
            for (Event.BidCreated b : a.bids) {
                if (b.price().amount().compareTo(pick.price().amount()) < 0) {
                    pick = b;
                }
            }
        }
        a.choosing = true;
        outbox.send(a.tenant.address(), new Msg.CreateLease(pick.id()));
    }

    /** A lease started: its fill is recorded and its close scheduled for when the work is done. */
    void leaseStarted(Event.LeaseCreated l, long height) {
        int day = calendar.dayIndex(height);
        Attempt a = attempts.get(l.id().deployment());
        if (a == null) {
            return;
        }
        a.lease = l.id();
        a.choosing = false;
        a.leaseHeight = height;
        Request r = a.request;
        Kind k = r.kind;
        Metrics.Day d = metrics.day(day, k.resource);
        d.leases++;
        d.leaseUnits += k.gpuUnits;
        // USD per unit-hour: micro-units per block × blocks per hour / 10^6 / units.
        d.priceSum = d.priceSum.add(l.price()
                .amount()
                .multiply(BigDecimal.valueOf(3600L / sc.blockSeconds()))
                .divide(BigDecimal.valueOf(1_000_000).multiply(k.units()), MathContext.DECIMAL64));
        if (!r.filled) {
            r.filled = true;
            metrics.filled++;
            long waited = (height - r.firstHeight) * sc.blockSeconds();
            if (r.day >= 0) {
                Metrics.Day rd = metrics.day(r.day, k.resource);
                rd.filled++;
                rd.timeToLeaseSecondsSum += waited;
                rd.timeToLeaseCount++;
                metrics.timesToLease.add(waited);
                if (k.gpuUnits > 0) {
                    metrics.timesToLeaseGpu.add(waited);
                }
            }
        }
        long remaining = Math.max(1, r.durationBlocks - a.leasedBlocks);
        calendar.schedule(height + remaining, ScenarioCalendar.ActionKind.CLOSE, a);
    }

    /** A lease ended; if its provider ended it, the tenant starts the group again for a new order. */
    void leaseEnded(Event.LeaseClosed l, long height) {
        Attempt a = attempts.get(l.id().deployment());
        if (a == null || !l.id().equals(a.lease)) {
            return;
        }
        a.leasedBlocks += height - a.leaseHeight;
        a.lease = null;
        int code = l.reason().code();
        if (code >= 10_000 && code < 20_000 && !a.closing) {
            // The provider ended it (it failed or left): the tenant starts the group again for a new order.
            metrics.interrupted++;
            a.bids.clear();
            outbox.send(a.tenant.address(), new Msg.StartGroup(l.id().order().group()));
            calendar.schedule(height + patienceBlocks(a.request.kind), ScenarioCalendar.ActionKind.PATIENCE, a);
        }
    }

    private long patienceBlocks(Kind k) {
        return Math.max(1, k.spec.patienceMinutes() * 60L / sc.blockSeconds());
    }

    private void giveUp(Attempt a, long height) {
        Request r = a.request;
        if (r.filled) {
            return;
        }
        if (r.retriesLeft > 0) {
            r.retriesLeft--;
            calendar.schedule(
                    height + Math.max(1, r.kind.spec.retryMinutes() * 60L / sc.blockSeconds()),
                    ScenarioCalendar.ActionKind.RETRY,
                    r);
            return;
        }
        metrics.unmet++;
        if (r.day >= 0) {
            Metrics.Day d = metrics.day(r.day, r.kind.resource);
            d.unmet++;
            d.unmetGpuHoursMilli += r.kind.gpuUnits * r.durationBlocks * sc.blockSeconds() * 1000 / 3600;
        }
    }

    /** The work of attempt {@code subject} is done: the tenant closes the deployment. */
    void closeDue(Object subject) {
        Attempt a = (Attempt) subject;
        if (attempts.get(a.id) == a && !a.closing) {
            a.closing = true;
            outbox.send(a.tenant.address(), new Msg.CloseDeployment(a.id));
        }
    }

    /** Attempt {@code subject} waited its patience without a lease: the tenant closes it and gives up or retries. */
    void patienceDue(Object subject, long height) {
        Attempt a = (Attempt) subject;
        if (attempts.get(a.id) == a && !a.closing && a.lease == null && !a.choosing) {
            a.closing = true;
            outbox.send(a.tenant.address(), new Msg.CloseDeployment(a.id));
            if (a.leasedBlocks == 0) {
                giveUp(a, height);
            } else {
                metrics.notReplaced++;
            }
        }
    }

    /** Request {@code subject} is tried again with a new deployment. */
    void retryDue(Object subject, long height) {
        deploy((Request) subject, height);
    }

    /**
     * The order of the first attempt (by deployment id) that holds a bid of {@code provider} on {@code order}, or
     * null.
     */
    OrderId openBidOrder(SimProvider provider, String order) {
        for (Attempt a : openBidAttempts(provider)) {
            if (a.order != null && a.order.toString().equals(order)) {
                return a.order;
            }
        }
        return null;
    }

    private List<Attempt> openBidAttempts(SimProvider p) {
        List<Attempt> out = new ArrayList<>();
        for (Attempt a : attemptsInOrder()) {
            for (Event.BidCreated b : a.bids) {
                if (b.id().provider().equals(p.address)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private List<Attempt> attemptsInOrder() {
        List<Attempt> out = new ArrayList<>(attempts.values());
        out.sort(Comparator.comparing(a -> a.id));
        return out;
    }

    /**
     * Each kind's arrivals, by thinning two Poisson processes (common random numbers, so that scenarios that
     * differ only by a surge see the same requests before and outside it): the kind's own stream draws the
     * arrivals of the ramp (and drops some where a factor below 1 applies); a second stream draws those a surge
     * adds, at the difference between the surged rate and the ramp.
     */
    void arrivals(long height) {
        for (Kind k : kinds) {
            while (k.nextBlock <= height) {
                double r = Math.min(calendar.rate(k.spec, height), calendar.baseRate(k.spec, height));
                if (k.arrivals.nextDouble() * k.maxRate < r) {
                    request(k, k.arrivals, height);
                }
                k.nextBlock += ScenarioCalendar.draw(k.arrivals, k.maxRate);
            }
            while (k.nextExtraBlock <= height) {
                double r = calendar.rate(k.spec, height) - calendar.baseRate(k.spec, height);
                if (k.extra.nextDouble() * k.extraMaxRate < r) {
                    request(k, k.extra, height);
                }
                k.nextExtraBlock += ScenarioCalendar.draw(k.extra, k.extraMaxRate);
            }
        }
    }

    private void request(Kind k, SplittableRandom durations, long height) {
        Request req = new Request(k, duration(k, durations), calendar.dayIndex(height));
        metrics.requests++;
        if (req.day >= 0) {
            metrics.day(req.day, k.resource).requests++;
        }
        deploy(req, height);
    }

    private long duration(Kind k, SplittableRandom random) {
        double hours;
        if (k.spec.durationDistribution().equals("lognormal")) {
            double s = k.spec.durationSigma();
            double mu = Math.log(k.spec.durationHours()) - s * s / 2;
            hours = Math.exp(mu + s * gaussian(random));
        } else {
            hours = -Math.log(1 - random.nextDouble()) * k.spec.durationHours();
        }
        return Math.max(1, Math.min(400L * calendar.blocksPerDay, (long) (hours * 3600 / sc.blockSeconds())));
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller from the seeded stream (java.util.Random's own is not split from our seed).
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private void deploy(Request r, long height) {
        int t = nextTenant++ % tenants.size();
        KeyPair tenant = tenants.get(t);
        DeploymentId id = new DeploymentId(tenant.address(), ++dseqs[t]);
        Attempt a = new Attempt(r, id, tenant);
        attempts.put(id, a);
        long blocks = r.durationBlocks + patienceBlocks(r.kind) + 10;
        long deposit = r.kind.maxPerBlock
                .multiply(BigDecimal.valueOf(blocks))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        deposit = Math.max(deposit, Params.defaults().minDeploymentDeposit());
        outbox.send(
                tenant.address(),
                new Msg.CreateDeployment(id, List.of(r.kind.group), "00".repeat(32), new Coin("uusd", deposit)));
        calendar.schedule(height + 2 + patienceBlocks(r.kind), ScenarioCalendar.ActionKind.PATIENCE, a);
    }
}

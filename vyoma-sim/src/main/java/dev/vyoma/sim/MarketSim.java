package dev.vyoma.sim;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.CloseReason;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.Params;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.source.LedgerSource;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a {@link Scenario} through the real ledger and the provider module's bid engine, one block at a time on
 * a simulated clock, from one seed. After each block the agents read its events as real ones would (providers
 * bid on new orders, tenants pick a bid, leases start and end); what they send is signed and verified on worker
 * threads while the next block applies, and lands one block later (a 6-second mempool delay). Every random draw
 * comes from streams split from the seed; no clock is read; the same scenario and seed give the same chain.
 */
public final class MarketSim {
    /** What to check while running: ledger invariants and capacity every so many blocks (0: only at the end). */
    public record Checks(int invariantsEvery, int capacityEvery) {
        public static final Checks EVERY_BLOCK = new Checks(1, 1);
    }

    static final String CHAIN_ID = "vyoma-sim-1";
    static final long FUNDS_MICRO = 1_000_000_000_000L;
    static final Coin MAX_FEE = new Coin("uvyo", 1_000_000);
    static final Coin BID_DEPOSIT = new Coin("uvyo", Params.defaults().minBidDeposit());

    private final Scenario sc;
    private final long seed;
    private final Checks checks;
    private final Ledger ledger;
    private final LedgerSource source;
    private final TxPipeline pipeline;
    private final Address proposer;
    final Metrics metrics = new Metrics();
    final List<SimProvider> providers = new ArrayList<>();
    private final Map<Address, SimProvider> byAddress = new HashMap<>();
    private final List<KeyPair> tenants = new ArrayList<>();
    private final long[] dseqs;
    private final Map<Address, Long> sequences = new HashMap<>();
    private final Map<DeploymentId, Attempt> attempts = new HashMap<>();
    private final List<Kind> kinds = new ArrayList<>();
    private final PriorityQueue<Action> actions =
            new PriorityQueue<>(Comparator.comparingLong(Action::height).thenComparingLong(Action::seq));
    private final CapacityCheck capacityCheck;
    final List<CapacitySnapshot> snapshots = new ArrayList<>();
    private final SplittableRandom tenantRandom;
    private final SplittableRandom providerRandom;
    private final long blockMillis;
    private final long blocksPerDay;
    private long actionSeq;
    private int nextTenant;
    private long height;
    private String stateHex = "";
    private String blockHashHex = "";
    private final Map<Address, List<Msg>> outgoing = new LinkedHashMap<>();

    /** One tenant workload kind, with its group spec and arrival stream. */
    private static final class Kind {
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
    private static final class Request {
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
    private static final class Attempt {
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

    private enum ActionKind {
        CLOSE,
        PATIENCE,
        RETRY,
        JOIN,
        FAIL,
        RECOVER,
        LEAVE,
        DELETE,
        PRICE
    }

    private record Action(long height, long seq, ActionKind kind, Object subject) {}

    /**
     * A simulation of {@code scenario} from {@code seed}, signing on {@code threads} worker threads and verifying
     * every signature.
     */
    public MarketSim(Scenario scenario, long seed, Checks checks, int threads) {
        this(scenario, seed, checks, threads, 1);
    }

    /**
     * A simulation that verifies one signature in {@code verifyEvery} (1: all) before the ledger applies the
     * block; see {@link TxPipeline}.
     */
    public MarketSim(Scenario scenario, long seed, Checks checks, int threads, int verifyEvery) {
        this.sc = scenario;
        this.seed = seed;
        this.checks = checks;
        this.blockMillis = scenario.blockSeconds() * 1000L;
        this.blocksPerDay = 86_400L / scenario.blockSeconds();
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom keys = root.split();
        this.tenantRandom = root.split();
        this.providerRandom = root.split();
        KeyPair validator = key(keys);
        this.proposer = validator.address();
        List<Genesis.Allocation> alloc = new ArrayList<>();
        List<Coin> funds = List.of(new Coin("uusd", FUNDS_MICRO), new Coin("uvyo", FUNDS_MICRO));
        int index = 0;
        for (Scenario.ProviderGroup g : scenario.providers()) {
            for (int i = 0; i < g.count(); i++) {
                KeyPair k = key(keys);
                double jitter = 1
                        + (providerRandom.nextDouble() * 2 - 1)
                                * scenario.pricing().get(g.pricing()).jitter();
                SimProvider p = new SimProvider(index++, g.name() + "-" + i, g, k, jitter);
                providers.add(p);
                byAddress.put(p.address, p);
                alloc.add(new Genesis.Allocation(p.address, funds));
            }
        }
        for (int i = 0; i < scenario.tenantAccounts(); i++) {
            KeyPair k = key(keys);
            tenants.add(k);
            alloc.add(new Genesis.Allocation(k.address(), funds));
        }
        this.dseqs = new long[tenants.size()];
        this.ledger = Ledger.fromGenesis(new Genesis(CHAIN_ID, scenario.genesisMillis(), Params.defaults(), alloc));
        this.source = new LedgerSource(ledger);
        this.pipeline = new TxPipeline(CHAIN_ID, MAX_FEE, threads, verifyEvery);
        this.capacityCheck = new CapacityCheck(ledger, providers);
        for (int i = 0; i < scenario.tenants().size(); i++) {
            Scenario.TenantKind t = scenario.tenants().get(i);
            BigDecimal perReplica =
                    perBlock(t.maxPriceUsdPerHour()).divide(BigDecimal.valueOf(t.replicas()), 6, RoundingMode.DOWN);
            List<GroupSpec> groups = ScriptedChain.groups(
                    t.cpu(),
                    t.memory(),
                    t.storage(),
                    t.gpus(),
                    t.gpuModel(),
                    t.replicas(),
                    perReplica.stripTrailingZeros().toPlainString());
            SplittableRandom base = root.split();
            Kind k = new Kind(i, t, groups.get(0), base, base.split());
            k.maxRate = Math.max(t.arrivalsPerDay(), t.arrivalsPerDayEnd()) / blocksPerDay;
            k.nextBlock = k.maxRate > 0 ? draw(k.arrivals, k.maxRate) : Double.MAX_VALUE;
            k.extraMaxRate = k.maxRate * (surgeFactor(t) - 1);
            k.nextExtraBlock = k.extraMaxRate > 0 ? draw(k.extra, k.extraMaxRate) : Double.MAX_VALUE;
            kinds.add(k);
        }
        scheduleProviders();
        for (Scenario.Event e : scenario.events()) {
            switch (e) {
                case Scenario.ProviderLeaves l -> schedule(heightOfDay(l.day()), ActionKind.LEAVE, l.group());
                case Scenario.PriceChange p -> schedule(heightOfDay(p.day()), ActionKind.PRICE, p);
                case Scenario.Surge s -> {}
            }
        }
    }

    private static KeyPair key(SplittableRandom r) {
        byte[] seed = new byte[32];
        r.nextBytes(seed);
        return KeyPair.fromSeed(seed);
    }

    /** USD per hour to micro-units per block. */
    private BigDecimal perBlock(BigDecimal usdPerHour) {
        return SimProvider.perBlock(usdPerHour, sc.blockSeconds(), BigDecimal.ONE, BigDecimal.ONE);
    }

    /** The first block at or after {@code day} (days from the quarter's start). */
    long heightOfDay(double day) {
        long h = (long) Math.ceil((day + sc.warmupDays()) * blocksPerDay);
        return Math.max(1, h);
    }

    /** Days from the quarter's start at block {@code h}. */
    private double dayOf(long h) {
        return (double) h / blocksPerDay - sc.warmupDays();
    }

    private int dayIndex(long h) {
        return (int) Math.floorDiv(h, blocksPerDay) - sc.warmupDays();
    }

    private void scheduleProviders() {
        for (SimProvider p : providers) {
            Scenario.ProviderGroup g = p.group;
            int i = p.index - firstIndex(g);
            double day = g.joinToDay() > g.joinFromDay()
                    ? g.joinFromDay() + (g.joinToDay() - g.joinFromDay()) * i / g.count()
                    : g.joinFromDay();
            long h = day <= 0 ? 1 : heightOfDay(day);
            schedule(h, ActionKind.JOIN, p);
            if (g.failure() != null) {
                schedule(h + failureGap(g.failure()), ActionKind.FAIL, p);
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

    private long failureGap(Scenario.Failure f) {
        return 1 + (long) (-Math.log(1 - providerRandom.nextDouble()) * f.mtbfDays() * blocksPerDay);
    }

    /** The largest factor the surges can multiply kind {@code t}'s arrivals by (1 without surges). */
    private double surgeFactor(Scenario.TenantKind t) {
        double surge = 1;
        for (Scenario.Event e : sc.events()) {
            if (e instanceof Scenario.Surge s && appliesTo(s, t)) {
                surge = Math.max(surge, surge * s.factor());
            }
        }
        return surge;
    }

    private static boolean appliesTo(Scenario.Surge s, Scenario.TenantKind t) {
        return t.gpu() && (s.model().equals("*") || s.model().equals(t.gpuModel()));
    }

    /** Arrivals per block of kind {@code k} at block {@code h} without surges: the ramp. */
    private double baseRate(Kind k, long h) {
        double day = dayOf(h);
        Scenario.TenantKind t = k.spec;
        double f = day <= 0 ? 0 : Math.min(1, day / sc.days());
        return (t.arrivalsPerDay() + (t.arrivalsPerDayEnd() - t.arrivalsPerDay()) * f) / blocksPerDay;
    }

    /** Arrivals per block of kind {@code k} at block {@code h}: the ramp times any surge then. */
    private double rate(Kind k, long h) {
        double day = dayOf(h);
        Scenario.TenantKind t = k.spec;
        double r = baseRate(k, h) * blocksPerDay;
        for (Scenario.Event e : sc.events()) {
            if (e instanceof Scenario.Surge s && appliesTo(s, t) && day >= s.fromDay() && day < s.toDay()) {
                r *= s.factor();
            }
        }
        return r / blocksPerDay;
    }

    private static double draw(SplittableRandom r, double rate) {
        return -Math.log(1 - r.nextDouble()) / rate;
    }

    private void schedule(long h, ActionKind kind, Object subject) {
        actions.add(new Action(h, actionSeq++, kind, subject));
    }

    // ------------------------------------------------------------------ the run

    /** Runs every block of the scenario; returns the final state commitment. */
    public String run() {
        long total = sc.totalBlocks();
        CompletableFuture<TxPipeline.Signed> next = CompletableFuture.completedFuture(null);
        CompletableFuture<TxPipeline.Signed> after = CompletableFuture.completedFuture(null);
        List<TxPipeline.Unsigned> nextBatch = List.of();
        List<TxPipeline.Unsigned> afterBatch = List.of();
        for (height = 1; height <= total; height++) {
            TxPipeline.Signed signed = next.join();
            List<dev.vyoma.ledger.tx.SignedTx> txs = signed == null ? List.of() : signed.txs();
            boolean[] verdicts = signed == null ? new boolean[0] : signed.verdicts();
            Block block = new Block(height, sc.genesisMillis() + height * blockMillis, proposer, txs);
            BlockResult result = ledger.apply(block, verdicts);
            source.record(block, result);
            stateHex = result.stateHex();
            blockHashHex = result.blockHashHex();
            check(result, nextBatch);
            react(result, nextBatch);
            due();
            arrivals();
            if ((height * sc.blockSeconds()) % (sc.snapshotMinutes() * 60L) == 0) {
                sample();
            }
            List<TxPipeline.Unsigned> built = build();
            next = after;
            nextBatch = afterBatch;
            after = pipeline.submit(built);
            afterBatch = built;
        }
        finish();
        return stateHex;
    }

    /** Stops the signing threads. */
    public void close() {
        pipeline.close();
    }

    public Ledger ledger() {
        return ledger;
    }

    public LedgerSource source() {
        return source;
    }

    public Scenario scenario() {
        return sc;
    }

    public long seed() {
        return seed;
    }

    public String stateHex() {
        return stateHex;
    }

    public String blockHashHex() {
        return blockHashHex;
    }

    public long height() {
        return height - 1;
    }

    private void check(BlockResult result, List<TxPipeline.Unsigned> batch) {
        if (checks.invariantsEvery() > 0 && height % checks.invariantsEvery() == 0) {
            Invariants.verify(ledger.state());
            Invariants.verifyIndexes(ledger.state());
        }
        if (checks.capacityEvery() > 0 && height % checks.capacityEvery() == 0) {
            capacityCheck.verify(height);
        }
        for (int i = 0; i < result.txs().size(); i++) {
            TxResult r = result.txs().get(i);
            metrics.txs++;
            if (!r.charged()) {
                throw new IllegalStateException("block " + height + ": a simulated transaction was not admitted: "
                        + r.code() + " " + r.log() + " (seed " + seed + ")");
            }
            if (!r.ok()) {
                metrics.rejectedTxs++;
                undo(batch.get(i));
            }
        }
    }

    /** A transaction the ledger rejected: its messages did nothing, so what the agents expected of them is undone. */
    private void undo(TxPipeline.Unsigned tx) {
        for (Msg m : tx.msgs()) {
            switch (m) {
                case Msg.CreateBid b ->
                    byAddress.get(b.provider()).release(b.order().toString());
                case Msg.CreateLease l -> {
                    Attempt a = attempts.get(l.bid().order().group().deployment());
                    if (a != null) {
                        a.choosing = false;
                    }
                }
                default -> {}
            }
        }
    }

    // ------------------------------------------------------------------ agents reacting to a block

    private void react(BlockResult result, List<TxPipeline.Unsigned> batch) {
        LinkedHashSet<Attempt> toChoose = new LinkedHashSet<>();
        for (Event e : result.events()) {
            switch (e) {
                case Event.DeploymentCreated c -> {
                    Attempt a = attempts.get(c.id());
                    if (a != null && a.request.firstHeight < 0) {
                        a.request.firstHeight = height;
                    }
                }
                case Event.OrderCreated o -> bidOn(o);
                case Event.BidCreated b -> {
                    metrics.bidsCreated++;
                    Attempt a = attempts.get(b.id().deployment());
                    if (a != null && a.lease == null && !a.closing) {
                        a.bids.add(b);
                        toChoose.add(a);
                    }
                }
                case Event.BidLost l ->
                    byAddress.get(l.id().provider()).release(l.id().order().toString());
                case Event.BidClosed c ->
                    byAddress.get(c.id().provider()).release(c.id().order().toString());
                case Event.LeaseCreated l -> leaseStarted(l);
                case Event.LeaseClosed l -> leaseEnded(l);
                case Event.DeploymentClosed d -> {
                    Attempt a = attempts.remove(d.id());
                    if (d.reason().equals(CloseReason.INSUFFICIENT_FUNDS)) {
                        metrics.runOutCloses++;
                    }
                    if (a != null && a.lease == null && !a.request.filled && !a.closing) {
                        giveUp(a);
                    }
                }
                case Event.ProviderCreated p -> byAddress.get(p.owner()).joined = true;
                case Event.EscrowPayment p -> {
                    SimProvider sp = byAddress.get(p.provider());
                    if (sp != null) {
                        sp.paidMicro += p.amount().amount();
                    }
                }
                default -> {}
            }
        }
        for (Attempt a : toChoose) {
            choose(a);
        }
    }

    /** Providers that could fit evaluate the order; the {@code bidders} cheapest bid, the others withhold. */
    private void bidOn(Event.OrderCreated o) {
        Attempt a = attempts.get(o.id().group().deployment());
        if (a == null || a.closing) {
            return;
        }
        a.order = o.id();
        a.bids.clear();
        Kind k = a.request.kind;
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
                send(f.provider().address, new Msg.CreateBid(o.id(), f.provider().address, f.price(), BID_DEPOSIT));
            } else {
                f.provider().release(order);
            }
        }
    }

    private record Offer(SimProvider provider, DecCoin price) {}

    private void choose(Attempt a) {
        if (a.choosing || a.bids.isEmpty()) {
            return;
        }
        Event.BidCreated pick;
        if (a.request.kind.spec.choose().equals("random")) {
            pick = a.bids.get(tenantRandom.nextInt(a.bids.size()));
        } else {
            pick = a.bids.get(0);
            for (Event.BidCreated b : a.bids) {
                if (b.price().amount().compareTo(pick.price().amount()) < 0) {
                    pick = b;
                }
            }
        }
        a.choosing = true;
        send(a.tenant.address(), new Msg.CreateLease(pick.id()));
    }

    private void leaseStarted(Event.LeaseCreated l) {
        SimProvider p = byAddress.get(l.id().provider());
        String order = l.id().order().toString();
        Invariants.check(p.inventory.markLeased(order), () -> "provider " + p.name + " holds nothing for " + order);
        p.leased.add(l.id());
        p.leases++;
        if (!p.active()) {
            // A bid won while its provider is down or gone: the provider ends the lease at once.
            sendAlone(p.address, new Msg.CloseBid(l.id(), CloseReason.PROVIDER_UNSTABLE.code()));
        }
        metrics.leasesCreated++;
        int day = dayIndex(height);
        if (day >= 0 && day < sc.days()) {
            metrics.leasesCreatedInQuarter++;
        }
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
        schedule(height + remaining, ActionKind.CLOSE, a);
    }

    private void leaseEnded(Event.LeaseClosed l) {
        SimProvider p = byAddress.get(l.id().provider());
        p.release(l.id().order().toString());
        p.leased.remove(l.id());
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
            send(a.tenant.address(), new Msg.StartGroup(l.id().order().group()));
            schedule(height + patienceBlocks(a.request.kind), ActionKind.PATIENCE, a);
        }
    }

    private long patienceBlocks(Kind k) {
        return Math.max(1, k.spec.patienceMinutes() * 60L / sc.blockSeconds());
    }

    private void giveUp(Attempt a) {
        Request r = a.request;
        if (r.filled) {
            return;
        }
        if (r.retriesLeft > 0) {
            r.retriesLeft--;
            schedule(height + Math.max(1, r.kind.spec.retryMinutes() * 60L / sc.blockSeconds()), ActionKind.RETRY, r);
            return;
        }
        metrics.unmet++;
        if (r.day >= 0) {
            Metrics.Day d = metrics.day(r.day, r.kind.resource);
            d.unmet++;
            d.unmetGpuHoursMilli += r.kind.gpuUnits * r.durationBlocks * sc.blockSeconds() * 1000 / 3600;
        }
    }

    // ------------------------------------------------------------------ time-driven actions

    private void due() {
        while (!actions.isEmpty() && actions.peek().height() <= height) {
            Action act = actions.poll();
            switch (act.kind()) {
                case CLOSE -> {
                    Attempt a = (Attempt) act.subject();
                    if (attempts.get(a.id) == a && !a.closing) {
                        a.closing = true;
                        send(a.tenant.address(), new Msg.CloseDeployment(a.id));
                    }
                }
                case PATIENCE -> {
                    Attempt a = (Attempt) act.subject();
                    if (attempts.get(a.id) == a && !a.closing && a.lease == null && !a.choosing) {
                        a.closing = true;
                        send(a.tenant.address(), new Msg.CloseDeployment(a.id));
                        if (a.leasedBlocks == 0) {
                            giveUp(a);
                        } else {
                            metrics.notReplaced++;
                        }
                    }
                }
                case RETRY -> deploy((Request) act.subject());
                case JOIN -> {
                    SimProvider p = (SimProvider) act.subject();
                    p.online = true;
                    send(p.address, new Msg.CreateProvider(p.address, p.hostUri, p.attributes, "", ""));
                }
                case FAIL -> {
                    SimProvider p = (SimProvider) act.subject();
                    if (!p.left) {
                        p.online = false;
                        closeAll(p, CloseReason.PROVIDER_UNSTABLE.code());
                        schedule(
                                height + Math.max(1, (long) (p.group.failure().downHours() * 3600 / sc.blockSeconds())),
                                ActionKind.RECOVER,
                                p);
                    }
                }
                case RECOVER -> {
                    SimProvider p = (SimProvider) act.subject();
                    if (!p.left) {
                        p.online = true;
                        schedule(height + failureGap(p.group.failure()), ActionKind.FAIL, p);
                    }
                }
                case LEAVE -> {
                    for (SimProvider p : providers) {
                        if (p.group.name().equals(act.subject()) && !p.left) {
                            p.left = true;
                            closeAll(p, CloseReason.PROVIDER_DECOMMISSION.code());
                            schedule(height + 4, ActionKind.DELETE, p);
                        }
                    }
                }
                case DELETE -> {
                    SimProvider p = (SimProvider) act.subject();
                    if (p.joined && p.leased.isEmpty()) {
                        send(p.address, new Msg.DeleteProvider(p.address));
                    } else if (p.joined) {
                        schedule(height + 2, ActionKind.DELETE, p);
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
            }
        }
    }

    /** A provider going away closes its leases and withdraws its open bids (reason {@code code}). */
    private void closeAll(SimProvider p, int code) {
        for (String order : p.heldOrders()) {
            OrderId id = parseOrderOf(p, order);
            if (id != null) {
                sendAlone(p.address, new Msg.CloseBid(new BidId(id, p.address), code));
            }
        }
    }

    private OrderId parseOrderOf(SimProvider p, String order) {
        for (BidId b : p.leased) {
            if (b.order().toString().equals(order)) {
                return b.order();
            }
        }
        for (Attempt a : openBidAttempts(p)) {
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
    private void arrivals() {
        for (Kind k : kinds) {
            while (k.nextBlock <= height) {
                double r = Math.min(rate(k, height), baseRate(k, height));
                if (k.arrivals.nextDouble() * k.maxRate < r) {
                    request(k, k.arrivals);
                }
                k.nextBlock += draw(k.arrivals, k.maxRate);
            }
            while (k.nextExtraBlock <= height) {
                double r = rate(k, height) - baseRate(k, height);
                if (k.extra.nextDouble() * k.extraMaxRate < r) {
                    request(k, k.extra);
                }
                k.nextExtraBlock += draw(k.extra, k.extraMaxRate);
            }
        }
    }

    private void request(Kind k, SplittableRandom durations) {
        Request req = new Request(k, duration(k, durations), dayIndex(height));
        metrics.requests++;
        if (req.day >= 0) {
            metrics.day(req.day, k.resource).requests++;
        }
        deploy(req);
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
        return Math.max(1, Math.min(400L * blocksPerDay, (long) (hours * 3600 / sc.blockSeconds())));
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller from the seeded stream (java.util.Random's own is not split from our seed).
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private void deploy(Request r) {
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
        send(
                tenant.address(),
                new Msg.CreateDeployment(id, List.of(r.kind.group), "00".repeat(32), new Coin("uusd", deposit)));
        schedule(height + 2 + patienceBlocks(r.kind), ActionKind.PATIENCE, a);
    }

    // ------------------------------------------------------------------ capacity samples

    private void sample() {
        long t = sc.genesisMillis() + height * blockMillis;
        int day = dayIndex(height);
        long pos = height % blocksPerDay;
        boolean lastOfDay = pos != 0 && pos + sc.snapshotMinutes() * 60L / sc.blockSeconds() >= blocksPerDay;
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

    // ------------------------------------------------------------------ outgoing transactions

    private void send(Address signer, Msg m) {
        outgoing.computeIfAbsent(signer, s -> new ArrayList<>()).add(m);
    }

    /**
     * A message that may race with another agent's (a provider closing a lease the tenant may be closing too): it
     * goes in a transaction of its own, so that if the ledger rejects it no other message goes down with it.
     */
    private void sendAlone(Address signer, Msg m) {
        singles.add(new Object[] {signer, m});
    }

    private final List<Object[]> singles = new ArrayList<>();

    /** This block's messages as transactions: each agent's in one (or, past the limit, a few). */
    private List<TxPipeline.Unsigned> build() {
        if (outgoing.isEmpty() && singles.isEmpty()) {
            return List.of();
        }
        List<TxPipeline.Unsigned> out = new ArrayList<>();
        for (Object[] s : singles) {
            Address a = (Address) s[0];
            long seq = sequences.merge(a, 1L, Long::sum) - 1;
            out.add(new TxPipeline.Unsigned(keyOf(a), seq, List.of((Msg) s[1])));
            metrics.msgs++;
        }
        singles.clear();
        for (Map.Entry<Address, List<Msg>> e : outgoing.entrySet()) {
            KeyPair k = keyOf(e.getKey());
            List<Msg> msgs = e.getValue();
            for (int i = 0; i < msgs.size(); i += TxPipeline.MSGS_PER_TX) {
                long seq = sequences.merge(e.getKey(), 1L, Long::sum) - 1;
                out.add(new TxPipeline.Unsigned(
                        k, seq, List.copyOf(msgs.subList(i, Math.min(msgs.size(), i + TxPipeline.MSGS_PER_TX)))));
                metrics.msgs += Math.min(msgs.size(), i + TxPipeline.MSGS_PER_TX) - i;
            }
        }
        outgoing.clear();
        return out;
    }

    private final Map<Address, KeyPair> tenantKeys = new HashMap<>();

    private KeyPair keyOf(Address a) {
        SimProvider p = byAddress.get(a);
        if (p != null) {
            return p.key;
        }
        if (tenantKeys.isEmpty()) {
            for (KeyPair k : tenants) {
                tenantKeys.put(k.address(), k);
            }
        }
        return tenantKeys.get(a);
    }

    private void finish() {
        Invariants.verify(ledger.state());
        Invariants.verifyIndexes(ledger.state());
        capacityCheck.verify(height - 1);
    }

    /** Group id helper for tests. */
    static GroupId groupOf(BidId b) {
        return b.order().group();
    }
}

package dev.vyoma.sim;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.source.LedgerSource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private final List<KeyPair> tenantKeys = new ArrayList<>();
    private final ScenarioCalendar calendar;
    private final Outbox outbox;
    private final TenantAgents tenants;
    private final ProviderAgents providerAgents;
    private final CapacityCheck capacityCheck;
    final List<CapacitySnapshot> snapshots = new ArrayList<>();
    private long height;
    private String stateHex = "";
    private String blockHashHex = "";

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
        this.calendar = new ScenarioCalendar(scenario);
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom keys = root.split();
        SplittableRandom tenantRandom = root.split();
        SplittableRandom providerRandom = root.split();
        KeyPair validator = key(keys);
        this.proposer = validator.address();
        List<Genesis.Allocation> alloc = new ArrayList<>();
        List<Coin> funds = List.of(new Coin("uusd", FUNDS_MICRO), new Coin("uvyo", FUNDS_MICRO));
        Map<Address, KeyPair> signers = new HashMap<>();
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
                signers.put(p.address, k);
                alloc.add(new Genesis.Allocation(p.address, funds));
            }
        }
        for (int i = 0; i < scenario.tenantAccounts(); i++) {
            KeyPair k = key(keys);
            tenantKeys.add(k);
            signers.putIfAbsent(k.address(), k);
            alloc.add(new Genesis.Allocation(k.address(), funds));
        }
        this.ledger = Ledger.fromGenesis(new Genesis(CHAIN_ID, scenario.genesisMillis(), Params.defaults(), alloc));
        this.source = new LedgerSource(ledger);
        this.pipeline = new TxPipeline(CHAIN_ID, MAX_FEE, threads, verifyEvery);
        this.capacityCheck = new CapacityCheck(ledger, providers);
        this.outbox = new Outbox(signers, metrics);
        this.tenants = new TenantAgents(scenario, calendar, outbox, metrics, tenantKeys, tenantRandom);
        this.providerAgents =
                new ProviderAgents(scenario, calendar, outbox, metrics, providers, byAddress, providerRandom, tenants);
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
            tenants.addKind(new TenantAgents.Kind(i, t, groups.get(0), base, base.split()));
        }
        providerAgents.schedule();
        for (Scenario.Event e : scenario.events()) {
            switch (e) {
                case Scenario.ProviderLeaves l ->
                    calendar.schedule(calendar.heightOfDay(l.day()), ScenarioCalendar.ActionKind.LEAVE, l.group());
                case Scenario.PriceChange p ->
                    calendar.schedule(calendar.heightOfDay(p.day()), ScenarioCalendar.ActionKind.PRICE, p);
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
        return calendar.heightOfDay(day);
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
            Block block = new Block(height, sc.genesisMillis() + height * calendar.blockMillis, proposer, txs);
            BlockResult result = ledger.apply(block, verdicts);
            source.record(block, result);
            stateHex = result.stateHex();
            blockHashHex = result.blockHashHex();
            check(result, nextBatch);
            react(result);
            due();
            tenants.arrivals(height);
            if ((height * sc.blockSeconds()) % (sc.snapshotMinutes() * 60L) == 0) {
                providerAgents.sample(height, snapshots);
            }
            List<TxPipeline.Unsigned> built = outbox.build();
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
                case Msg.CreateBid b -> providerAgents.release(b.provider(), b.order());
                case Msg.CreateLease l -> tenants.leaseRejected(l);
                default -> {}
            }
        }
    }

    // ------------------------------------------------------------------ agents reacting to a block

    private void react(BlockResult result) {
        LinkedHashSet<TenantAgents.Attempt> toChoose = new LinkedHashSet<>();
        for (Event e : result.events()) {
            switch (e) {
                case Event.DeploymentCreated c -> tenants.deploymentCreated(c, height);
                case Event.OrderCreated o -> {
                    TenantAgents.Kind k = tenants.orderCreated(o);
                    if (k != null) {
                        providerAgents.bidOn(o, k);
                    }
                }
                case Event.BidCreated b -> {
                    metrics.bidsCreated++;
                    TenantAgents.Attempt a = tenants.bidCreated(b);
                    if (a != null) {
                        toChoose.add(a);
                    }
                }
                case Event.BidLost l -> providerAgents.release(l.id().provider(), l.id().order());
                case Event.BidClosed c -> providerAgents.release(c.id().provider(), c.id().order());
                case Event.LeaseCreated l -> {
                    providerAgents.leaseStarted(l);
                    metrics.leasesCreated++;
                    int day = calendar.dayIndex(height);
                    if (day >= 0 && day < sc.days()) {
                        metrics.leasesCreatedInQuarter++;
                    }
                    tenants.leaseStarted(l, height);
                }
                case Event.LeaseClosed l -> {
                    providerAgents.leaseEnded(l);
                    tenants.leaseEnded(l, height);
                }
                case Event.DeploymentClosed d -> {
                    if (d.reason().equals(CloseReason.INSUFFICIENT_FUNDS)) {
                        metrics.runOutCloses++;
                    }
                    tenants.deploymentClosed(d, height);
                }
                case Event.ProviderCreated p -> providerAgents.joined(p);
                case Event.EscrowPayment p -> providerAgents.paid(p);
                default -> {}
            }
        }
        for (TenantAgents.Attempt a : toChoose) {
            tenants.choose(a);
        }
    }

    // ------------------------------------------------------------------ time-driven actions

    private void due() {
        for (ScenarioCalendar.Action act = calendar.nextDue(height); act != null; act = calendar.nextDue(height)) {
            switch (act.kind()) {
                case CLOSE -> tenants.closeDue(act.subject());
                case PATIENCE -> tenants.patienceDue(act.subject(), height);
                case RETRY -> tenants.retryDue(act.subject(), height);
                case JOIN, FAIL, RECOVER, LEAVE, DELETE, PRICE -> providerAgents.due(act, height);
            }
        }
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

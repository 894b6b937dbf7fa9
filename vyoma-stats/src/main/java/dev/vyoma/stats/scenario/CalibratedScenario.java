package dev.vyoma.stats.scenario;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.index.LeaseResources;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a {@link ScenarioSpec}: a chain scripted block by block through the real ledger (providers registering, tenants
 * deploying, providers bidding, leases created and ending when their escrow runs out or their tenant closes them),
 * steered each day to the scenario's paths, and the status answers its providers give every poll (capacity,
 * allocated, reserved for open bids; a failure when down). The chain is indexed and the answers stored into a
 * statistics database, which then holds what an indexer following such a network would hold. Nothing is random
 * but the seed: the same file gives the same database.
 *
 * <p>Steering: GPU capacity grows to its path at each day's first block, one GPU at a time to the model furthest
 * below its share and, within it, to the provider with fewest GPUs; GPU leases are ordered whenever the GPUs leased
 * or bid for fall below the day's path (1 to 24 GPUs each, the cheapest of up to {@code bidders} bids wins); CPU
 * leases fill each day's new leases up to its path, spread evenly over its blocks. Durations are lognormal. A
 * lease's deposit pays for exactly its duration, so its escrow runs out then (as most Akash leases end); a lease
 * too short for the minimum deposit is closed by its tenant.
 */
public final class CalibratedScenario {
    private CalibratedScenario() {}

    /** What a run made. */
    public record Result(long blocks, long leases, long gpuLeases, long gpuBids, long polls, long failedPolls) {}

    private static final long MINUTE = 60_000L;
    private static final long DAY = 1_440 * MINUTE;
    private static final Coin BID_DEPOSIT = new Coin("uvyo", 500_000);

    /** The orders' maximum price a replica: the SDL's limit a block, so that any bid is below it. */
    private static final String MAX_PRICE = "10000000";

    /** An order placed this block: its bidders, the winner, what it holds, when it ends, whether a tenant closes it. */
    private record Order(
            String tenant,
            DeploymentId deployment,
            List<ScenarioProvider> bidders,
            ScenarioProvider winner,
            LeaseResources resources,
            long endBlock,
            boolean closedByTenant) {}

    /** A lease running: its tenant, deployment and provider, what it holds, and the block it ends at. */
    private record Running(
            String tenant,
            DeploymentId deployment,
            ScenarioProvider provider,
            LeaseResources resources,
            long endBlock) {}

    /** Runs the scenario into {@code db} (empty). */
    public static Result run(ScenarioSpec spec, StatsDb db) throws SQLException {
        return new Run(spec, db).go();
    }

    private static final class Run {
        final ScenarioSpec spec;
        final StatsDb db;
        final SplittableRandom rng;
        final ScriptedChain chain;
        final long startMillis;
        final long blockMillis;
        final int blocksPerDay;
        final long minDeposit;
        final List<ScenarioProvider> providers = new ArrayList<>();
        final List<String> tenants = new ArrayList<>();
        final Map<String, Long> dseq = new HashMap<>();
        final Map<String, List<GroupSpec>> specs = new HashMap<>();
        final Map<DeploymentId, Running> running = new HashMap<>();
        /** GPUs of the running leases, in all and by the block each ends at. */
        long runningGpus;

        final java.util.TreeMap<Long, Long> gpusEnding = new java.util.TreeMap<>();
        final Map<Long, List<Running>> closes = new HashMap<>();
        List<Order> pending = new ArrayList<>();
        final List<CapacitySnapshot> polls = new ArrayList<>();
        final SnapshotStore store;
        int cpuCursor;
        long leases;
        long gpuLeases;
        long gpuBids;
        long pollCount;
        long failedPolls;

        Run(ScenarioSpec spec, StatsDb db) {
            this.spec = spec;
            this.db = db;
            this.store = new SnapshotStore(db);
            this.rng = new SplittableRandom(spec.seed());
            this.startMillis =
                    spec.start().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            this.blockMillis = spec.blockMinutes() * MINUTE;
            this.blocksPerDay = 1_440 / spec.blockMinutes();
            this.minDeposit = Math.max(1, ScenarioSpec.micro(spec.minDepositUsd()));
            List<String> accounts = new ArrayList<>();
            for (int i = 1; i <= spec.tenants(); i++) {
                tenants.add(String.format("tenant-%03d", i));
            }
            accounts.addAll(tenants);
            int total = spec.providers().initial() + spec.providers().joins().size();
            for (int i = 1; i <= total; i++) {
                accounts.add(String.format("provider-%03d", i));
            }
            Params d = Params.defaults();
            Params params = new Params(
                    d.feeDenom(),
                    d.depositDenom(),
                    d.bidDepositDenom(),
                    d.defaultFee(),
                    d.fees(),
                    minDeposit,
                    d.minBidDeposit(),
                    d.maxBidsPerOrder(),
                    d.maxTxBytes(),
                    d.maxMsgsPerTx(),
                    d.maxTxsPerBlock());
            this.chain = new ScriptedChain(
                    "vyoma-" + spec.name(),
                    startMillis,
                    accounts,
                    List.of(new Coin("uusd", 1_000_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000_000L)),
                    params);
            for (int i = 1; i <= total; i++) {
                LocalDate joins = i <= spec.providers().initial()
                        ? spec.start()
                        : spec.providers().joins().get(i - spec.providers().initial() - 1);
                providers.add(new ScenarioProvider(i, chain, joins, rng, spec.providers()));
            }
            // The initial GPU providers take the models in proportion to their shares; each draws its price.
            int gpuProviders = spec.providers().gpuProviders();
            for (int i = 0; i < gpuProviders; i++) {
                assignModel(providers.get(i), modelAt((i + 0.5) / gpuProviders));
            }
        }

        private ScenarioSpec.GpuModel modelAt(double x) {
            double total = 0;
            for (ScenarioSpec.GpuModel m : spec.gpuModels()) {
                total += m.share();
            }
            double acc = 0;
            for (ScenarioSpec.GpuModel m : spec.gpuModels()) {
                acc += m.share() / total;
                if (x < acc) {
                    return m;
                }
            }
            return spec.gpuModels().get(spec.gpuModels().size() - 1);
        }

        private void assignModel(ScenarioProvider p, ScenarioSpec.GpuModel m) {
            p.model = m.model();
            BigDecimal span = m.maxUsdPerHour().subtract(m.minUsdPerHour());
            p.gpuUsdPerHour = m.minUsdPerHour()
                    .add(span.multiply(BigDecimal.valueOf(rng.nextDouble())))
                    .setScale(2, RoundingMode.HALF_EVEN);
        }

        Result go() throws SQLException {
            long blocks = (long) spec.days() * blocksPerDay;
            long pollMillis = spec.pollMinutes() * MINUTE;
            long nextPoll = startMillis;
            for (long k = 1; k <= blocks; k++) {
                long t = startMillis + k * blockMillis;
                // A block at 00:00 belongs to the day it opens; the last one (after the end) closes the last day.
                LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(t, DAY));
                int slot = (int) Math.floorMod(t, DAY) / (int) blockMillis;
                if (k < blocks) {
                    if (slot == 0 || k == 1) {
                        register(day);
                        growCapacity(day);
                    }
                    createLeases();
                    closeLeases(k);
                    order(day, slot, k);
                } else {
                    createLeases();
                    closeLeases(k);
                }
                BlockResult r = chain.block(t);
                for (Event e : r.events()) {
                    if (e instanceof Event.LeaseClosed lc) {
                        Running run = running.remove(lc.id().deployment());
                        if (run != null) {
                            run.provider().use(run.resources(), -1);
                            track(run, -1);
                        }
                    }
                }
                while (nextPoll <= t && nextPoll < startMillis + (long) spec.days() * DAY) {
                    poll(nextPoll);
                    nextPoll += pollMillis;
                }
                if (polls.size() >= 20_000) {
                    flushPolls();
                }
            }
            flushPolls();
            new Indexer(db, chain.source()).catchUp();
            return new Result(blocks, leases, gpuLeases, gpuBids, pollCount, failedPolls);
        }

        private void track(Running r, int sign) {
            long g = r.resources().gpuUnits();
            if (g > 0) {
                runningGpus += sign * g;
                long left = gpusEnding.merge(r.endBlock(), sign * g, Long::sum);
                if (left == 0) {
                    gpusEnding.remove(r.endBlock());
                }
            }
        }

        /** Providers whose day has come register at its first block. */
        private void register(LocalDate day) {
            for (ScenarioProvider p : providers) {
                if (!p.registered && !p.joins.isAfter(day)) {
                    if (p.model == null && p.number > spec.providers().initial()) {
                        assignModel(p, neediest(total()));
                    }
                    List<String> models = p.model == null ? List.of() : List.of(p.model);
                    chain.createProvider(
                            p.name, "https://" + p.name + ".example.com:8443", models.toArray(String[]::new));
                    p.registered = true;
                }
            }
        }

        private long total() {
            long n = 0;
            for (ScenarioProvider p : providers) {
                n += p.gpus;
            }
            return n;
        }

        /** The model furthest below its share of {@code capacity}. */
        private ScenarioSpec.GpuModel neediest(long capacity) {
            double shares = 0;
            for (ScenarioSpec.GpuModel m : spec.gpuModels()) {
                shares += m.share();
            }
            ScenarioSpec.GpuModel best = null;
            double most = Double.NEGATIVE_INFINITY;
            for (ScenarioSpec.GpuModel m : spec.gpuModels()) {
                long have = 0;
                for (ScenarioProvider p : providers) {
                    if (m.model().equals(p.model)) {
                        have += p.gpus;
                    }
                }
                double deficit = m.share() / shares * capacity - have;
                if (deficit > most) {
                    most = deficit;
                    best = m;
                }
            }
            return best;
        }

        /** GPU capacity up to the day's path, a GPU at a time (capacity only grows). */
        private void growCapacity(LocalDate day) {
            long target = Math.round(spec.paths().gpuCapacity().at(day));
            long have = total();
            while (have < target) {
                ScenarioSpec.GpuModel m = neediest(have + 1);
                ScenarioProvider smallest = null;
                for (ScenarioProvider p : providers) {
                    if (p.registered && m.model().equals(p.model) && (smallest == null || p.gpus < smallest.gpus)) {
                        smallest = p;
                    }
                }
                if (smallest == null) {
                    return;
                }
                smallest.gpus++;
                have++;
            }
        }

        /** Leases for last block's orders: the winner's bid; the losers' holds go. */
        private void createLeases() {
            Map<String, List<Msg>> byTenant = new LinkedHashMap<>();
            for (Order o : pending) {
                for (ScenarioProvider p : o.bidders()) {
                    p.hold(o.resources(), -1);
                }
                o.winner().use(o.resources(), 1);
                byTenant.computeIfAbsent(o.tenant(), x -> new ArrayList<>())
                        .add(new Msg.CreateLease(
                                new BidId(new OrderId(new GroupId(o.deployment(), 1), 1), o.winner().address)));
                Running r = new Running(o.tenant(), o.deployment(), o.winner(), o.resources(), o.endBlock());
                running.put(o.deployment(), r);
                track(r, 1);
                leases++;
            }
            byTenant.forEach(chain::txs);
            pending = new ArrayList<>();
        }

        private void closeLeases(long k) {
            List<Running> due = closes.remove(k);
            if (due == null) {
                return;
            }
            Map<String, List<Msg>> byTenant = new LinkedHashMap<>();
            for (Running r : due) {
                if (running.containsKey(r.deployment())) {
                    byTenant.computeIfAbsent(r.tenant(), x -> new ArrayList<>())
                            .add(new Msg.CloseDeployment(r.deployment()));
                }
            }
            byTenant.forEach(chain::txs);
        }

        /** This block's orders: GPU leases up to the day's GPUs in use, CPU leases up to the day's new leases. */
        private void order(LocalDate day, int slot, long k) {
            String tenant = tenants.get((int) (k % tenants.size()));
            List<Msg> deployments = new ArrayList<>();
            Map<ScenarioProvider, List<Msg>> bids = new LinkedHashMap<>();
            List<Order> placed = new ArrayList<>();
            long target = Math.round(spec.paths().gpusInUse().at(day));
            // GPUs leased when this block's orders become leases (at the next block): those of the leases running
            // on past it, and of the orders already placed.
            long leased = runningGpus;
            for (long ending : gpusEnding.headMap(k + 1, true).values()) {
                leased -= ending;
            }
            for (Order o : pending) {
                leased += o.resources().gpuUnits();
            }
            int tries = 0;
            while (leased < target && tries++ < 64) {
                int units = (int) Math.min(target - leased, pickGpus());
                Order o = gpuOrder(tenant, units, k, deployments, bids);
                if (o != null) {
                    placed.add(o);
                    leased += units;
                }
            }
            // New leases so far today (orders placed, by slot) against the day's path spread over its blocks.
            double perDay = spec.paths().newLeasesPerDay().at(day);
            long due = Math.round(perDay * (slot + 1) / blocksPerDay) - Math.round(perDay * slot / blocksPerDay);
            long cpu = Math.max(0, due - placed.size());
            // Two providers take this block's CPU leases (in turn over the blocks), so that few sign bids.
            ScenarioProvider[] two = {nextCpuProvider(k), nextCpuProvider(k)};
            for (long i = 0; i < cpu; i++) {
                Order o = cpuOrder(tenant, day, two[(int) (i % 2)], k, deployments, bids);
                if (o != null) {
                    placed.add(o);
                }
            }
            chain.txs(tenant, deployments);
            bids.forEach((p, msgs) -> chain.txs(p.name, msgs));
            pending.addAll(placed);
        }

        private int pickGpus() {
            double x = rng.nextDouble();
            double total = 0;
            for (double w : spec.gpuLeases().gpus().values()) {
                total += w;
            }
            double acc = 0;
            for (Map.Entry<Integer, Double> e : spec.gpuLeases().gpus().entrySet()) {
                acc += e.getValue() / total;
                if (x < acc) {
                    return e.getKey();
                }
            }
            return spec.gpuLeases().gpus().lastKey();
        }

        private boolean up(ScenarioProvider p) {
            return p.registered;
        }

        private Order gpuOrder(
                String tenant, int units, long k, List<Msg> deployments, Map<ScenarioProvider, List<Msg>> bids) {
            ScenarioSpec.GpuModel m = modelAt(rng.nextDouble());
            // At most 4 GPUs a replica, so a replica's price stays within the SDL's limit a block.
            int replicas = (units + 3) / 4;
            while (units % replicas != 0) {
                replicas++;
            }
            int each = units / replicas;
            int count = replicas;
            List<GroupSpec> groups = specs.computeIfAbsent(
                    "gpu/" + units + "/" + m.model(),
                    x -> ScriptedChain.groups(
                            Integer.toString(4 * each),
                            16 * each + "Gi",
                            100 * each + "Gi",
                            each,
                            m.model(),
                            count,
                            MAX_PRICE));
            LeaseResources r = LeaseResources.of(groups.get(0));
            List<ScenarioProvider> able = new ArrayList<>();
            for (ScenarioProvider p : providers) {
                if (up(p) && m.model().equals(p.model) && p.fits(r, units) && !downAt(p, k)) {
                    able.add(p);
                }
            }
            if (able.isEmpty()) {
                return null;
            }
            // Up to `bidders` of them, drawn; the cheapest wins.
            List<ScenarioProvider> bidders = new ArrayList<>();
            while (!able.isEmpty() && bidders.size() < spec.gpuLeases().bidders()) {
                bidders.add(able.remove(rng.nextInt(able.size())));
            }
            ScenarioProvider winner = bidders.get(0);
            for (ScenarioProvider p : bidders) {
                if (p.gpuUsdPerHour.compareTo(winner.gpuUsdPerHour) < 0) {
                    winner = p;
                }
            }
            long hours = hours(spec.gpuLeases().medianHours(), spec.gpuLeases().sigma());
            DeploymentId d = deploy(
                    tenant, groups, winner.gpuUsdPerHour.multiply(BigDecimal.valueOf(units)), hours, deployments);
            for (ScenarioProvider p : bidders) {
                p.hold(r, 1);
                bids.computeIfAbsent(p, x -> new ArrayList<>())
                        .add(bid(d, p, p.gpuUsdPerHour.multiply(BigDecimal.valueOf(units))));
                gpuBids++;
            }
            gpuLeases++;
            return order(
                    tenant, d, bidders, winner, r, hours, winner.gpuUsdPerHour.multiply(BigDecimal.valueOf(units)), k);
        }

        private Order cpuOrder(
                String tenant,
                LocalDate day,
                ScenarioProvider p,
                long k,
                List<Msg> deployments,
                Map<ScenarioProvider, List<Msg>> bids) {
            ScenarioSpec.CpuShape shape = shape();
            List<GroupSpec> groups = specs.computeIfAbsent(
                    "cpu/" + shape.cpu() + "/" + shape.memory() + "/" + shape.storage(),
                    x -> ScriptedChain.groups(shape.cpu(), shape.memory(), shape.storage(), 0, "", 1, MAX_PRICE));
            LeaseResources r = LeaseResources.of(groups.get(0));
            ScenarioProvider chosen = p;
            for (int i = 0; chosen != null && !chosen.fits(r, 0) && i < providers.size(); i++) {
                chosen = nextCpuProvider(k);
            }
            if (chosen == null || !chosen.fits(r, 0)) {
                return null;
            }
            BigDecimal usdPerHour = shape.usdPerHour().multiply(BigDecimal.valueOf(chosen.cpuFactor));
            long hours = hours(
                    spec.paths().cpuLeaseMedianHours().at(day), spec.cpuLeases().sigma());
            DeploymentId d = deploy(tenant, groups, usdPerHour, hours, deployments);
            chosen.hold(r, 1);
            bids.computeIfAbsent(chosen, x -> new ArrayList<>()).add(bid(d, chosen, usdPerHour));
            return order(tenant, d, List.of(chosen), chosen, r, hours, usdPerHour, k);
        }

        /** The next registered provider up at block {@code k}, in turn. */
        private ScenarioProvider nextCpuProvider(long k) {
            for (int i = 0; i < providers.size(); i++) {
                ScenarioProvider p = providers.get(cpuCursor++ % providers.size());
                if (up(p) && !downAt(p, k)) {
                    return p;
                }
            }
            return null;
        }

        private ScenarioSpec.CpuShape shape() {
            double x = rng.nextDouble();
            double total = 0;
            for (ScenarioSpec.CpuShape s : spec.cpuLeases().shapes()) {
                total += s.share();
            }
            double acc = 0;
            for (ScenarioSpec.CpuShape s : spec.cpuLeases().shapes()) {
                acc += s.share() / total;
                if (x < acc) {
                    return s;
                }
            }
            return spec.cpuLeases().shapes().get(spec.cpuLeases().shapes().size() - 1);
        }

        /** A lognormal duration in hours (median, sigma), at least one block, at most the scenario's longest. */
        private long hours(double median, double sigma) {
            double h = median * Math.exp(sigma * rng.nextGaussian());
            double max = 24.0 * spec.maxLeaseDays();
            return Math.max(1, Math.round(Math.min(h, max)));
        }

        /** uusd a block for a price in USD an hour. */
        private long perBlock(BigDecimal usdPerHour) {
            return Math.max(
                    1,
                    ScenarioSpec.micro(usdPerHour
                            .multiply(BigDecimal.valueOf(spec.blockMinutes()))
                            .divide(BigDecimal.valueOf(60), 12, RoundingMode.HALF_EVEN)));
        }

        private DeploymentId deploy(
                String tenant, List<GroupSpec> groups, BigDecimal usdPerHour, long hours, List<Msg> deployments) {
            DeploymentId d = new DeploymentId(chain.addr(tenant), dseq.merge(tenant, 1L, Long::sum));
            long blocks = Math.max(1, hours * 60 / spec.blockMinutes());
            // Exactly the lease's duration, so its escrow runs out then; the minimum if that is less.
            long deposit = Math.max(minDeposit, Math.multiplyExact(perBlock(usdPerHour), blocks));
            deployments.add(new Msg.CreateDeployment(d, groups, "00".repeat(32), new Coin("uusd", deposit)));
            return d;
        }

        private Msg bid(DeploymentId d, ScenarioProvider p, BigDecimal usdPerHour) {
            return new Msg.CreateBid(
                    new OrderId(new GroupId(d, 1), 1),
                    p.address,
                    new DecCoin("uusd", BigDecimal.valueOf(perBlock(usdPerHour))),
                    BID_DEPOSIT);
        }

        private Order order(
                String tenant,
                DeploymentId d,
                List<ScenarioProvider> bidders,
                ScenarioProvider winner,
                LeaseResources r,
                long hours,
                BigDecimal usdPerHour,
                long k) {
            long blocks = Math.max(1, hours * 60 / spec.blockMinutes());
            boolean byTenant = perBlock(usdPerHour) * blocks < minDeposit;
            if (byTenant) {
                // Leased at k + 1; closed by its tenant `blocks` later.
                closes.computeIfAbsent(k + 1 + blocks, x -> new ArrayList<>())
                        .add(new Running(tenant, d, winner, r, k + 1 + blocks));
            }
            // Leased at k + 1, it runs `blocks` blocks: its escrow runs out (or its tenant closes it) at k + 1 +
            // blocks.
            return new Order(tenant, d, List.copyOf(bidders), winner, r, k + 1 + blocks, byTenant);
        }

        /** Whether {@code p} is in an outage at block {@code k}'s time. */
        private boolean downAt(ScenarioProvider p, long k) {
            return p.downAt(spec.providers().outages(), startMillis + k * blockMillis);
        }

        /** Every registered provider's answer at {@code t}, or its failure. */
        private void poll(long t) {
            for (ScenarioProvider p : providers) {
                if (!p.registered) {
                    continue;
                }
                pollCount++;
                if (p.downAt(spec.providers().outages(), t) || rng.nextDouble() < spec.pollFailure()) {
                    failedPolls++;
                    polls.add(CapacitySnapshot.failed(p.address, t, "IOException: connect timed out"));
                    continue;
                }
                polls.add(p.answer(t));
            }
        }

        private void flushPolls() throws SQLException {
            if (!polls.isEmpty()) {
                store.insertAll(polls);
                polls.clear();
            }
        }
    }
}

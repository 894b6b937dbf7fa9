package dev.vyoma.benchmarks;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.state.Workers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The time to apply one block of 1,000 transactions whose signatures were verified elsewhere ({@link
 * Ledger#apply(Block, boolean[])} with every verdict true), as a function of how many leases are active:
 * the goal is under 10 ms and no growth from {@code activeLeases=1000} to {@code 1000000}. The block is
 * twice {@link LedgerWorkload#MIX_500} (200 {@code Send}, 100 {@code CreateDeployment}, 200 {@code
 * CreateBid}, 100 {@code CreateLease}, 300 {@code WithdrawLease}, 100 {@code CloseDeployment}, over 10,000
 * tenants and 100 providers), and its withdrawals and closes hit leases drawn uniformly from all active
 * ones, so a big state is touched at random, not only at its recent end. The active leases are built
 * before measuring, by {@code -p build=direct} (the default: every entity written straight into the
 * public tables of {@link dev.vyoma.ledger.machine.LedgerState}, as the handlers would have, folded into the
 * commitment with {@code store.finishBlock()}, then checked with {@code Invariants.verify}) or {@code -p
 * build=tx} (through {@code CreateDeployment}, {@code CreateBid} and {@code CreateLease} transactions in
 * blocks of at most 1,200, about the size of a measured block; the setup prints how long it took per
 * lease, to extrapolate from 10,000 or 100,000). Then two blocks prime the pipeline and ten are dry-run,
 * printing how many transactions of each kind succeeded and failing unless at least 99% did. Transactions
 * carry a dummy signature (nothing verifies them); each iteration's setup pre-builds a queue of blocks and
 * calls {@code System.gc()}, and every invocation applies the next block; measurement iterations last
 * 10 s so the young collections the ledger causes (longer with a bigger old generation) fall inside them.
 * {@code -p fold=inline} folds the state commitment on the applying thread, {@code -p fold=pool} on two
 * workers (see {@link Workers}); the results are the same. The JVM runs with a fixed 8 GiB heap and
 * {@code -XX:MaxTenuringThreshold=1}: the ledger's objects either die within a block or live as state,
 * and copying state between survivor spaces up to fifteen times made young collections several times
 * longer at a million leases.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:MaxTenuringThreshold=1"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 10)
@State(Scope.Thread)
public class LedgerBlockBenchmark {
    static final int TENANTS = 10_000;
    static final int PROVIDERS = 100;
    static final int DRY_RUN_BLOCKS = 10;
    static final LedgerWorkload.Mix MIX = LedgerWorkload.MIX_500.times(2);

    /** Leases active when the measured blocks are applied. */
    @Param({"1000", "1000000"})
    public int activeLeases;

    /** How the active leases are built: {@code direct} (into the tables) or {@code tx} (by transactions). */
    @Param({"direct"})
    public String build;

    /**
     * Where the state commitment is folded: {@code inline} (the applying thread alone) or {@code pool} (the
     * JVM's common fork/join pool with the applying thread, two workers on these machines).
     */
    @Param({"inline", "pool"})
    public String fold;

    private LedgerWorkload workload;
    private Ledger ledger;
    private final ArrayDeque<Block> queue = new ArrayDeque<>();
    private boolean[] verdicts;
    private double blocksPerSecond;
    private long iterationStart;
    private int applied;
    private long failed;
    /** Whether the iteration running is a warm-up one, which may build a block when the queue runs dry. */
    private boolean warmup;

    @Setup(Level.Trial)
    public void setUp() {
        verdicts = new boolean[MIX.size()];
        Arrays.fill(verdicts, true);
        long t0 = System.nanoTime();
        workload = new LedgerWorkload(TENANTS, PROVIDERS, false, 42);
        ledger = Ledger.fromGenesis(workload.genesis(), workers(fold));
        LedgerWorkload.Tally setup = new LedgerWorkload.Tally();
        Block b = workload.providersBlock();
        setup.add(b, apply(b));
        long b0 = System.nanoTime();
        // The two priming blocks close 200 leases before the first new one starts; from then on each
        // block closes as many as start, so build 200 more than the leases wanted active.
        int built = activeLeases + 2 * MIX.closes();
        switch (build) {
            case "direct" -> workload.writeLeasesDirectly(ledger, built);
            case "tx" -> {
                while ((b = workload.fillBlock(built, 400)) != null) {
                    setup.add(b, apply(b));
                }
            }
            default -> throw new IllegalArgumentException("build is direct or tx, not " + build);
        }
        double buildSeconds = (System.nanoTime() - b0) / 1e9;
        long heap = usedHeapMiB();
        for (int i = 0; i < 2; i++) {
            b = workload.next(MIX);
            setup.add(b, apply(b));
        }
        setup.require(1.0);
        List<Block> dry = new ArrayList<>();
        for (int i = 0; i < DRY_RUN_BLOCKS; i++) {
            dry.add(checkedSize(workload.next(MIX)));
        }
        LedgerWorkload.Tally tally = new LedgerWorkload.Tally();
        long d0 = System.nanoTime();
        for (Block block : dry) {
            tally.add(block, apply(block));
        }
        double seconds = (System.nanoTime() - d0) / 1e9;
        System.out.printf(
                "%nledger: built %d active leases (%s) in %.1f s, %.1f µs per lease, heap %d MiB; setup %.1f s;"
                        + " %d leases active at each block's start%nledger: mix %s%n"
                        + "ledger: dry run of %d blocks (cold) %.1f ms per block: %s%n",
                built,
                build,
                buildSeconds,
                buildSeconds * 1e6 / built,
                heap,
                (System.nanoTime() - t0) / 1e9,
                workload.activeLeases(),
                MIX,
                DRY_RUN_BLOCKS,
                seconds * 1e3 / DRY_RUN_BLOCKS,
                tally);
        tally.require(0.99);
        blocksPerSecond = 3 * DRY_RUN_BLOCKS / seconds;
    }

    @Setup(Level.Iteration)
    public void topUp(IterationParams iteration) {
        double seconds = iteration.getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0;
        int wanted = (int) Math.ceil(seconds * blocksPerSecond * 1.5) + 8;
        while (queue.size() < wanted) {
            queue.add(checkedSize(workload.next(MIX)));
        }
        // Settle the heap: the queue just built moves to the old generation now, not in a young
        // collection during the measurement.
        System.gc();
        warmup = iteration.getType() == IterationType.WARMUP;
        applied = 0;
        failed = 0;
        iterationStart = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void observe() {
        double seconds = (System.nanoTime() - iterationStart) / 1e9;
        blocksPerSecond = Math.max(blocksPerSecond, applied / seconds);
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + applied * MIX.size() + " transactions failed");
        }
    }

    /** Applies the next pre-built block of 1,000 transactions with every signature verdict true. */
    @Benchmark
    public BlockResult applyBlock() {
        Block b = queue.poll();
        if (b == null) {
            // The plan comes from the fastest iteration so far, and a warm-up one can run more than 1.5×
            // faster than the one before (the JIT, or other work on the machine ending): build the block
            // here, where timing does not count. A measured iteration follows the warm-up's rate.
            if (!warmup) {
                throw new IllegalStateException("ran out of pre-built blocks; the iteration is longer than planned");
            }
            b = checkedSize(workload.next(MIX));
        }
        applied++;
        BlockResult r = ledger.apply(b, verdicts);
        for (TxResult t : r.txs()) {
            if (!t.ok()) {
                failed++;
            }
        }
        return r;
    }

    static Workers workers(String fold) {
        return switch (fold) {
            case "inline" -> Workers.inline();
            case "pool" -> new CommonPoolWorkers();
            default -> throw new IllegalArgumentException("fold is inline or pool, not " + fold);
        };
    }

    private static long usedHeapMiB() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    private BlockResult apply(Block b) {
        boolean[] v = b.txs().size() == verdicts.length
                ? verdicts
                : new boolean[b.txs().size()];
        if (v != verdicts) {
            Arrays.fill(v, true);
        }
        return ledger.apply(b, v);
    }

    private static Block checkedSize(Block b) {
        if (b.txs().size() != MIX.size()) {
            throw new IllegalStateException("a block of the mix has " + b.txs().size() + " transactions");
        }
        return b;
    }
}

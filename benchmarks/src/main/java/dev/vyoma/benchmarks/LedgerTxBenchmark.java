package dev.vyoma.benchmarks;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.tx.SignedTx;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Ledger throughput on one core, in transactions per second, against the cost of the one thing every
 * transaction must do: verify its Ed25519 signature. {@link #applyBlock} applies blocks of 500 pre-signed
 * transactions with {@link Ledger#apply(Block)}, which verifies every signature itself, so the score is
 * applied transactions per second including verification; {@link #applyBlockPreverified} applies the same
 * kind of blocks with {@link Ledger#apply(Block, boolean[])} and all verdicts true, which isolates the
 * state machine; {@link #verifySignature} is the reference, one call of BouncyCastle's low-level {@code
 * rfc8032.Ed25519.verify} per operation, cycling through 1,000 signatures of transactions of the same mix
 * ({@link #verifySignatureCachedKey} does the same with each public key decoded beforehand).
 * The mix ({@link LedgerWorkload#MIX_500}) is per block 100 {@code Send}, 50 {@code CreateDeployment},
 * 100 {@code CreateBid} (two per order), 50 {@code CreateLease}, 150 {@code WithdrawLease} and 50 {@code
 * CloseDeployment}, over 1,000 tenants, 20 providers and about 1,000 active leases, which it keeps steady
 * (50 leases start and 50 deployments close per block). Setup registers the providers, fills the market
 * through transactions, and dry-runs 20 blocks of the mix, printing how many transactions of each kind
 * succeeded and failing unless at least 99% did. The ledger is stateful and sequences only advance, so
 * each iteration's setup pre-builds and signs a queue of blocks (sized from the fastest rate seen so far,
 * with a margin; unused blocks carry over), then calls {@code System.gc()} so the queue is not copied by
 * a young collection while measuring, and every invocation applies the next one; measurement iterations
 * last 10 s so the young collections the ledger itself causes fall inside them. The ratio this class
 * exists for is {@code applyBlock} ÷ {@code verifySignature}; the goal is at least 0.8.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:MaxTenuringThreshold=1"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 10)
public class LedgerTxBenchmark {
    static final int TENANTS = 1_000;
    static final int PROVIDERS = 20;
    static final int ACTIVE_LEASES = 1_000;
    static final int DRY_RUN_BLOCKS = 20;
    static final int TXS_PER_BLOCK = 500;

    /** A ledger in steady state and a queue of pre-signed blocks of the mix that continue it. */
    @State(Scope.Thread)
    public static class Chain {
        LedgerWorkload workload;
        Ledger ledger;
        final ArrayDeque<Block> queue = new ArrayDeque<>();
        boolean[] verdicts;
        double blocksPerSecond;
        long iterationStart;
        int applied;
        long failed;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            boolean preverified = params.getBenchmark().endsWith("Preverified");
            verdicts = new boolean[TXS_PER_BLOCK];
            Arrays.fill(verdicts, true);
            long t0 = System.nanoTime();
            workload = new LedgerWorkload(TENANTS, PROVIDERS, true, 42);
            ledger = Ledger.fromGenesis(workload.genesis());
            LedgerWorkload.Tally setup = new LedgerWorkload.Tally();
            Block b = workload.providersBlock();
            setup.add(b, ledger.apply(b));
            while ((b = workload.fillBlock(ACTIVE_LEASES + 100, 500)) != null) {
                setup.add(b, ledger.apply(b));
            }
            // Two blocks of the mix prime the pipeline (bids and leases follow deployments by a block each).
            for (int i = 0; i < 2; i++) {
                b = workload.next(LedgerWorkload.MIX_500);
                setup.add(b, ledger.apply(b));
            }
            setup.require(1.0);
            List<Block> dry = new ArrayList<>();
            for (int i = 0; i < DRY_RUN_BLOCKS; i++) {
                dry.add(checkedSize(workload.next(LedgerWorkload.MIX_500)));
            }
            LedgerWorkload.Tally tally = new LedgerWorkload.Tally();
            long d0 = System.nanoTime();
            for (Block block : dry) {
                tally.add(block, preverified ? ledger.apply(block, verdicts) : ledger.apply(block));
            }
            double seconds = (System.nanoTime() - d0) / 1e9;
            System.out.printf(
                    "%nledger: setup %.1f s, %d active leases; mix %s%n"
                            + "ledger: dry run of %d blocks (cold, %s) %.0f tx/s: %s%n",
                    (System.nanoTime() - t0) / 1e9,
                    workload.activeLeases(),
                    LedgerWorkload.MIX_500,
                    DRY_RUN_BLOCKS,
                    preverified ? "verdicts given" : "signatures verified",
                    DRY_RUN_BLOCKS * TXS_PER_BLOCK / seconds,
                    tally);
            tally.require(0.99);
            // Cold code is slower than warm code: start with three times the dry run's rate.
            blocksPerSecond = 3 * DRY_RUN_BLOCKS / seconds;
        }

        @Setup(Level.Iteration)
        public void topUp(IterationParams iteration) {
            double seconds = iteration.getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0;
            int wanted = (int) Math.ceil(seconds * blocksPerSecond * 1.5) + 8;
            while (queue.size() < wanted) {
                queue.add(checkedSize(workload.next(LedgerWorkload.MIX_500)));
            }
            // Settle the heap: the queue just built moves to the old generation now, not in a young
            // collection during the measurement.
            System.gc();
            applied = 0;
            failed = 0;
            iterationStart = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void observe() {
            double seconds = (System.nanoTime() - iterationStart) / 1e9;
            blocksPerSecond = Math.max(blocksPerSecond, applied / seconds);
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + applied * TXS_PER_BLOCK + " transactions failed");
            }
        }

        Block take() {
            Block b = queue.poll();
            if (b == null) {
                throw new IllegalStateException("ran out of pre-built blocks; the iteration is longer than planned");
            }
            applied++;
            return b;
        }

        BlockResult count(BlockResult r) {
            for (TxResult t : r.txs()) {
                if (!t.ok()) {
                    failed++;
                }
            }
            return r;
        }

        private static Block checkedSize(Block b) {
            if (b.txs().size() != TXS_PER_BLOCK) {
                throw new IllegalStateException(
                        "a block of the mix has " + b.txs().size() + " transactions");
            }
            return b;
        }
    }

    /** Signed transactions of the mix, as public key, signed bytes and signature. */
    @State(Scope.Thread)
    public static class Signatures {
        static final int COUNT = 1_000;
        byte[][] keys;
        byte[][] messages;
        byte[][] signatures;
        org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint[] points;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            LedgerWorkload w = new LedgerWorkload(TENANTS, PROVIDERS, true, 7);
            w.providersBlock();
            while (w.fillBlock(ACTIVE_LEASES + 100, 500) != null) {
                // The model advances; the blocks are not needed.
            }
            w.next(LedgerWorkload.MIX_500);
            w.next(LedgerWorkload.MIX_500);
            List<SignedTx> txs = new ArrayList<>();
            while (txs.size() < COUNT) {
                txs.addAll(w.next(LedgerWorkload.MIX_500).txs());
            }
            keys = new byte[COUNT][];
            messages = new byte[COUNT][];
            signatures = new byte[COUNT][];
            points = new org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint[COUNT];
            long bytes = 0;
            for (int i = 0; i < COUNT; i++) {
                SignedTx t = txs.get(i);
                keys[i] = t.tx().signer().bytes();
                messages[i] = t.tx().signBytes();
                signatures[i] = t.signature().bytes();
                points[i] = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(keys[i], 0);
                bytes += messages[i].length;
                if (!org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
                        signatures[i], 0, keys[i], 0, messages[i], 0, messages[i].length)) {
                    throw new IllegalStateException("signature " + i + " does not verify");
                }
            }
            System.out.printf("%nverify: %d signatures, signed messages average %d bytes%n", COUNT, bytes / COUNT);
        }
    }

    /** One block of 500 transactions of the mix; signatures verified by the ledger. Score: tx/s. */
    @Benchmark
    @OperationsPerInvocation(TXS_PER_BLOCK)
    public BlockResult applyBlock(Chain chain) {
        return chain.count(chain.ledger.apply(chain.take()));
    }

    /** The same with every signature verdict given as true: the state machine alone. Score: tx/s. */
    @Benchmark
    @OperationsPerInvocation(TXS_PER_BLOCK)
    public BlockResult applyBlockPreverified(Chain chain) {
        return chain.count(chain.ledger.apply(chain.take(), chain.verdicts));
    }

    /** One Ed25519 signature verified with BouncyCastle's low-level API. Score: verifications/s. */
    @Benchmark
    public boolean verifySignature(Signatures s) {
        int i = s.next;
        s.next = i + 1 == Signatures.COUNT ? 0 : i + 1;
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
                s.signatures[i], 0, s.keys[i], 0, s.messages[i], 0, s.messages[i].length);
    }

    /**
     * The same verification with the public key decoded and validated beforehand ({@code
     * validatePublicKeyFullExport}), as a ledger could cache per account: what skipping the key's
     * decompression would save. Score: verifications/s.
     */
    @Benchmark
    public boolean verifySignatureCachedKey(Signatures s) {
        int i = s.next;
        s.next = i + 1 == Signatures.COUNT ? 0 : i + 1;
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
                s.signatures[i], 0, s.points[i], s.messages[i], 0, s.messages[i].length);
    }
}

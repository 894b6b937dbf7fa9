package dev.vyoma.benchmarks;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The workload of {@link LedgerBlockBenchmark} outside JMH, for a machine whose other work makes wall
 * times useless: per block, besides the wall time, the CPU time of the whole process and of the applying
 * thread, and the bytes the applying thread allocates (which no other process changes). Builds the
 * active leases directly, primes two blocks, then for each round pre-builds the blocks, collects the
 * garbage, and applies them back to back.
 *
 * <pre>java -Xms8g -Xmx8g -XX:MaxTenuringThreshold=1 -cp benchmarks/target/benchmarks.jar \
 *     dev.vyoma.benchmarks.LedgerBlockCpu ACTIVE_LEASES inline|pool ROUNDS BLOCKS_PER_ROUND</pre>
 */
public final class LedgerBlockCpu {
    private LedgerBlockCpu() {}

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: LedgerBlockCpu ACTIVE_LEASES inline|pool ROUNDS BLOCKS_PER_ROUND");
            System.exit(2);
        }
        int leases = Integer.parseInt(args[0]);
        String fold = args[1];
        int rounds = Integer.parseInt(args[2]);
        int perRound = Integer.parseInt(args[3]);
        LedgerWorkload.Mix mix = LedgerBlockBenchmark.MIX;
        LedgerWorkload w = new LedgerWorkload(LedgerBlockBenchmark.TENANTS, LedgerBlockBenchmark.PROVIDERS, false, 42);
        Ledger ledger = Ledger.fromGenesis(w.genesis(), LedgerBlockBenchmark.workers(fold));
        apply(ledger, w.providersBlock());
        long t0 = System.nanoTime();
        w.writeLeasesDirectly(ledger, leases + 2 * mix.closes());
        System.out.printf("built %d active leases in %.1f s%n", w.activeLeases(), (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 2; i++) {
            apply(ledger, w.next(mix));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        for (int r = 0; r < rounds; r++) {
            List<Block> queue = new ArrayList<>(perRound);
            for (int i = 0; i < perRound; i++) {
                queue.add(w.next(mix));
            }
            System.gc();
            long gcCount = gcCount(gcs);
            long cpu = os.getProcessCpuTime();
            long threadCpu = threads.getCurrentThreadCpuTime();
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long[] walls = new long[perRound];
            long failed = 0;
            long start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                long s = System.nanoTime();
                BlockResult result = apply(ledger, queue.set(i, null));
                walls[i] = System.nanoTime() - s;
                for (TxResult t : result.txs()) {
                    failed += t.ok() ? 0 : 1;
                }
            }
            double n = perRound;
            double wall = (System.nanoTime() - start) / 1e6 / n;
            Arrays.sort(walls);
            System.out.printf(
                    "leases=%d fold=%s round %d: wall %.2f ms/block (median %.2f), process CPU %.2f ms/block,"
                            + " applying thread CPU %.2f ms/block, applying thread allocated %.2f MB/block,"
                            + " %d collections, %d failed txs, load %.2f%n",
                    leases,
                    fold,
                    r,
                    wall,
                    walls[perRound / 2] / 1e6,
                    (os.getProcessCpuTime() - cpu) / 1e6 / n,
                    (threads.getCurrentThreadCpuTime() - threadCpu) / 1e6 / n,
                    (threads.getCurrentThreadAllocatedBytes() - allocated) / 1e6 / n,
                    gcCount(gcs) - gcCount,
                    failed,
                    os.getSystemLoadAverage());
        }
    }

    private static long gcCount(List<GarbageCollectorMXBean> gcs) {
        long n = 0;
        for (GarbageCollectorMXBean g : gcs) {
            n += g.getCollectionCount();
        }
        return n;
    }

    private static BlockResult apply(Ledger ledger, Block b) {
        boolean[] verdicts = new boolean[b.txs().size()];
        Arrays.fill(verdicts, true);
        return ledger.apply(b, verdicts);
    }
}

package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.CapacitySnapshot.Resource;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodMetrics.Amounts;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU, memory and storage: what providers offer, have allocated and have reserved (their status answers), what
 * leases hold (their specs on chain), the utilisations, and each point-in-time figure's first and last day. Three
 * days from 2026-02-01, UTC:
 *
 * <pre>
 * h1 02-01 01:00  provA registers          h4 02-02 01:00  provB registers; D2 (4 cpu, 8Gi, 20Gi), provB bids
 * h2 02-01 02:00  D1 (2 cpu, 4Gi, 10Gi),   h5 02-02 02:00  lease L2
 *                 provA bids               h6 02-03 01:00  the tenant closes D1
 * h3 02-01 03:00  lease L1                 h7 02-04 00:00  (empty): the period 02-01..02-03 is complete
 *
 * Status answers at 23:00 (allocatable / allocated / reserved):
 *            CPU (millicores)        memory (GiB)     storage (GiB)
 * A  02-01   30000 / 2000 / 1000     60 / 4 / 2       900 / 10 / 0
 * A  02-02   30000 / 2000 / 0        60 / 4 / 0       900 / 10 / 5
 * A  02-03   30000 / 0 / 4000        60 / 0 / 8       900 / 0 / 0
 * B  02-01   16000 / 0 / 0 (before it registered: not counted)
 * B  02-02   16000 / 4000 / 0        32 / 8 / 0       500 / 20 / 0
 * B  02-03   16000 / 4000 / 2000     32 / 8 / 4       500 / 20 / 10
 * </pre>
 */
final class ResourceCapacityCase {
    private ResourceCapacityCase() {}

    private static final long HOUR = 3_600_000L;
    private static final long GI = 1L << 30;

    private static long day(int d, int hour) {
        return Instant.parse("2026-02-01T00:00:00Z").toEpochMilli() + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    private static CapacitySnapshot status(
            ScriptedChain c, String provider, long at, long[] cpu, long[] memoryGi, long[] storageGi) {
        return new CapacitySnapshot(
                c.addr(provider),
                at,
                true,
                null,
                "declared",
                1,
                new Resource(cpu[0] + 2000, cpu[0], cpu[1], cpu[2]),
                new Resource((memoryGi[0] + 4) * GI, memoryGi[0] * GI, memoryGi[1] * GI, memoryGi[2] * GI),
                new Resource((storageGi[0] + 100) * GI, storageGi[0] * GI, storageGi[1] * GI, storageGi[2] * GI),
                List.of());
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-resources",
                day(1, 0),
                List.of("tenant", "provA", "provB"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("provA", "https://provider-a.example.com:8443");
        c.block(day(1, 1));
        DeploymentId d1 =
                c.createDeployment("tenant", 1, ScriptedChain.groups("2", "4Gi", "10Gi", 0, "", 1, "10"), 5_000_000);
        BidId l1 = c.bid("provA", d1, 1, 1, "3");
        c.block(day(1, 2));
        c.tx("tenant", new Msg.CreateLease(l1));
        c.block(day(1, 3));
        c.createProvider("provB", "https://provider-b.example.com:8443");
        DeploymentId d2 =
                c.createDeployment("tenant", 2, ScriptedChain.groups("4", "8Gi", "20Gi", 0, "", 1, "10"), 5_000_000);
        BidId l2 = c.bid("provB", d2, 1, 1, "5");
        c.block(day(2, 1));
        c.tx("tenant", new Msg.CreateLease(l2));
        c.block(day(2, 2));
        c.tx("tenant", new Msg.CloseDeployment(d1));
        c.block(day(3, 1));
        c.block(day(4, 0));
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            SnapshotStore store = new SnapshotStore(db);
            long[] z = {0, 0, 0};
            store.insert(
                    status(c, "provA", day(1, 23), new long[] {30000, 2000, 1000}, new long[] {60, 4, 2}, new long[] {
                        900, 10, 0
                    }));
            store.insert(status(
                    c, "provA", day(2, 23), new long[] {30000, 2000, 0}, new long[] {60, 4, 0}, new long[] {900, 10, 5
                    }));
            store.insert(status(
                    c, "provA", day(3, 23), new long[] {30000, 0, 4000}, new long[] {60, 0, 8}, new long[] {900, 0, 0
                    }));
            store.insert(status(c, "provB", day(1, 23), new long[] {16000, 0, 0}, z, z));
            store.insert(status(
                    c, "provB", day(2, 23), new long[] {16000, 4000, 0}, new long[] {32, 8, 0}, new long[] {500, 20, 0
                    }));
            store.insert(
                    status(c, "provB", day(3, 23), new long[] {16000, 4000, 2000}, new long[] {32, 8, 4}, new long[] {
                        500, 20, 10
                    }));

            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2026-02-01", "2026-02-03"), null, Duration.ofDays(1));
            PeriodMetrics m = r.current();

            // Per day: A | A + B | A + B.
            assertThat(m.buckets())
                    .extracting(PeriodMetrics.Bucket::cpu)
                    .containsExactly(
                            new Amounts(30000, 2000, 1000),
                            new Amounts(46000, 6000, 0),
                            new Amounts(46000, 4000, 6000));
            assertThat(m.buckets())
                    .extracting(PeriodMetrics.Bucket::memory)
                    .containsExactly(
                            new Amounts(60 * GI, 4 * GI, 2 * GI),
                            new Amounts(92 * GI, 12 * GI, 0),
                            new Amounts(92 * GI, 8 * GI, 12 * GI));
            assertThat(m.buckets())
                    .extracting(PeriodMetrics.Bucket::storage)
                    .containsExactly(
                            new Amounts(900 * GI, 10 * GI, 0),
                            new Amounts(1400 * GI, 30 * GI, 5 * GI),
                            new Amounts(1400 * GI, 20 * GI, 10 * GI));

            // CPU, in cores: capacity (30 + 46 + 46) / 3 = 40.666667; allocated (2 + 6 + 4) / 3 = 4.
            eq(m, Metric.CPU_CAPACITY, "40.666667");
            eq(m, Metric.CPU_IN_USE, "4");
            // Leased 12000 / 122000 = 9.836…%; leased or reserved (12000 + 7000) / 122000 = 15.573…%.
            eq(m, Metric.CPU_UTILIZATION_LEASED, "9.84");
            eq(m, Metric.CPU_UTILIZATION_LEASED_OR_RESERVED, "15.57");
            // Memory: capacity (60 + 92 + 92) / 3 GiB; allocated (4 + 12 + 8) / 3 = 8 GiB; 24 / 244 and 38 / 244.
            eq(m, Metric.MEMORY_CAPACITY, third(244 * GI));
            eq(m, Metric.MEMORY_IN_USE, Long.toString(8 * GI));
            eq(m, Metric.MEMORY_UTILIZATION_LEASED, "9.84");
            eq(m, Metric.MEMORY_UTILIZATION_LEASED_OR_RESERVED, "15.57");
            // Storage: (900 + 1400 + 1400) / 3 GiB; allocated (10 + 30 + 20) / 3 = 20 GiB; 60 / 3700 and 75 / 3700.
            eq(m, Metric.STORAGE_CAPACITY, third(3700 * GI));
            eq(m, Metric.STORAGE_IN_USE, Long.toString(20 * GI));
            eq(m, Metric.STORAGE_UTILIZATION_LEASED, "1.62");
            eq(m, Metric.STORAGE_UTILIZATION_LEASED_OR_RESERVED, "2.03");

            // First and last day: CPU capacity 30 → 46 cores, allocated 2 → 4; utilisation 2000 / 30000 = 6.67% →
            // 4000 / 46000 = 8.70%; Akash's 3000 / 30000 = 10.00% → 10000 / 46000 = 21.74%. Providers 1 → 2.
            firstLast(m, Metric.CPU_CAPACITY, "30", "46");
            firstLast(m, Metric.CPU_IN_USE, "2", "4");
            firstLast(m, Metric.CPU_UTILIZATION_LEASED, "6.67", "8.70");
            firstLast(m, Metric.CPU_UTILIZATION_LEASED_OR_RESERVED, "10.00", "21.74");
            firstLast(m, Metric.MEMORY_CAPACITY, Long.toString(60 * GI), Long.toString(92 * GI));
            firstLast(m, Metric.STORAGE_IN_USE, Long.toString(10 * GI), Long.toString(20 * GI));
            firstLast(m, Metric.ACTIVE_PROVIDERS, "1", "2");

            // Leased, from the specs on chain at each day's last block: L1 | L1 + L2 | L2.
            // CPU 2, 6, 4 cores (mean 4, 2 → 4); memory 4, 12, 8 GiB (mean 8); storage 10, 30, 20 GiB (mean 20).
            eq(m, Metric.CPU_LEASED, "4");
            eq(m, Metric.MEMORY_LEASED, Long.toString(8 * GI));
            eq(m, Metric.STORAGE_LEASED, Long.toString(20 * GI));
            firstLast(m, Metric.CPU_LEASED, "2", "4");
            firstLast(m, Metric.MEMORY_LEASED, Long.toString(4 * GI), Long.toString(8 * GI));
            firstLast(m, Metric.STORAGE_LEASED, Long.toString(10 * GI), Long.toString(20 * GI));
            firstLast(m, Metric.ACTIVE_LEASES, "1", "1");
            // Sums and totals have no first and last day.
            assertThat(m.first(Metric.NEW_LEASES)).isNull();
            assertThat(m.last(Metric.TOTAL_LEASES)).isNull();

            // Printed for people: the table's "first → last" column, and the series in JSON.
            assertThat(ReportView.table(r))
                    .containsPattern("CPU capacity\\s+cores\\s+40.67\\s+30 → 46")
                    .containsPattern("Compute leased\\s+cores\\s+4\\s+2 → 4");
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu = (Map<String, Object>)
                    ((Map<String, Object>) ReportView.tree(r).get("metrics")).get("cpuCapacityCores");
            assertThat(cpu).containsEntry("first", "30").containsEntry("last", "46");
            assertThat(ReportView.series(m).get(2))
                    .containsEntry("cpuCapacityMillis", 46000L)
                    .containsEntry("cpuInUseMillis", 4000L)
                    .containsEntry("cpuReservedMillis", 6000L)
                    .containsEntry("memoryReservedBytes", 12 * GI)
                    .containsEntry("storageCapacityBytes", 1400 * GI);
            assertThat(dev.vyoma.stats.report.Charts.render(m)).containsKeys("cpu.png", "memory.png", "storage.png");
        }
    }

    private static String third(long v) {
        return BigDecimal.valueOf(v)
                .divide(BigDecimal.valueOf(3), 6, RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    private static void eq(PeriodMetrics m, Metric metric, String expected) {
        assertThat(m.value(metric)).as(metric.key()).isEqualByComparingTo(new BigDecimal(expected));
    }

    private static void firstLast(PeriodMetrics m, Metric metric, String first, String last) {
        assertThat(m.first(metric)).as(metric.key() + " first").isEqualByComparingTo(new BigDecimal(first));
        assertThat(m.last(metric)).as(metric.key() + " last").isEqualByComparingTo(new BigDecimal(last));
    }
}

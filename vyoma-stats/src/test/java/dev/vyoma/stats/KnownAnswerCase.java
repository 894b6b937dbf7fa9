package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The known answers of {@link KnownAnswerChain}, computed by hand (the arithmetic is in the comments), checked
 * against the report on any database: the same class runs on DuckDB and on PostgreSQL.
 */
final class KnownAnswerCase {
    private KnownAnswerCase() {}

    private static final long GI = 1L << 30;

    static void run(Supplier<StatsDb> open) throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = open.get()) {
            // Resumable: index the first half, close, reopen, index the rest.
            Indexer first = new Indexer(db, new HalfSource(kat.chain.source(), 7));
            assertThat(first.catchUp()).isEqualTo(7);
        }
        try (StatsDb db = open.get()) {
            Indexer indexer = new Indexer(db, kat.chain.source());
            assertThat(indexer.height()).isEqualTo(7);
            assertThat(indexer.catchUp()).isEqualTo(9);
            assertThat(indexer.height()).isEqualTo(16);
            for (CapacitySnapshot s : kat.snapshots()) {
                new SnapshotStore(db).insert(s);
            }
            Report before = report(db);
            // Idempotent: re-reading blocks (one by one, or a whole pass) changes nothing.
            for (long h = 1; h <= 16; h++) {
                assertThat(indexer.index(kat.chain.source().block(h).orElseThrow()))
                        .isFalse();
            }
            assertThat(indexer.poll()).isZero();
            Report r = report(db);
            assertThat(r.current().values()).isEqualTo(before.current().values());
            check(r);
        }
    }

    static Report report(StatsDb db) throws Exception {
        MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
        PeriodSpec p2 = PeriodSpec.parse("2026-01-03", "2026-01-04");
        return Report.of(q, p2, p2.previous(), Duration.ofDays(1));
    }

    static void check(Report r) {
        PeriodMetrics cur = r.current();
        PeriodMetrics prev = r.previous();
        assertThat(cur.period())
                .isEqualTo(new PeriodMetrics.Period(
                        8, 15, KnownAnswerChain.day(3, 0), KnownAnswerChain.day(5, 0), true, null));
        assertThat(prev.period())
                .isEqualTo(new PeriodMetrics.Period(
                        1, 7, KnownAnswerChain.day(1, 0), KnownAnswerChain.day(3, 0), true, null));
        assertThat(cur.buckets())
                .extracting(PeriodMetrics.Bucket::lo, PeriodMetrics.Bucket::hi)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(8L, 11L), org.assertj.core.groups.Tuple.tuple(12L, 15L));

        // New leases: L1 (h3), L2 (h7) | L3, L4 (h10).
        assertThat(prev.buckets()).extracting(PeriodMetrics.Bucket::newLeases).containsExactly(1L, 1L);
        assertThat(cur.buckets()).extracting(PeriodMetrics.Bucket::newLeases).containsExactly(2L, 0L);
        eq(prev, Metric.NEW_LEASES, "2");
        eq(cur, Metric.NEW_LEASES, "2");
        // Active at the day's last block: h3 {L1}, h7 {L1, L2} | h11 {L2, L3, L4} (L1 closed at 11), h15 {L3}.
        assertThat(prev.buckets())
                .extracting(PeriodMetrics.Bucket::activeLeases)
                .containsExactly(1L, 2L);
        assertThat(cur.buckets()).extracting(PeriodMetrics.Bucket::activeLeases).containsExactly(3L, 1L);
        eq(prev, Metric.ACTIVE_LEASES, "1.5");
        eq(cur, Metric.ACTIVE_LEASES, "2");

        // Revenue (micro-uusd), blocks billed are (created, closed]:
        // Jan 1 (h1-3): 0. Jan 2 (h4-7): L1 4 × 2.5 = 10.
        // Jan 3 (h8-11): L1 4 × 2.5 = 10 (+ settlement 20 − 8 × 2.5 = 0); L2 4 × 33.333333333333333333 =
        //   133.333333333333333332; L3 1 × 4; L4 1 × 200000 → 200147.333333333333333332.
        // Jan 4 (h12-15): L2 2 × 33.33… = 66.666666666666666666, settlement 199 − 6 × 33.33… = −0.999999999999999998;
        //   L3 4 × 4 = 16; L4 2 × 200000 = 400000, settlement 500000 − 3 × 200000 = −100000 →
        // 300081.666666666666666668.
        assertThat(prev.buckets().get(0).revenueMicroByDenom()).isEmpty();
        assertThat(prev.buckets().get(1).revenueMicroByDenom()).isEqualTo(Map.of("uusd", new BigDecimal("10")));
        assertThat(cur.buckets().get(0).revenueMicroByDenom())
                .isEqualTo(Map.of("uusd", new BigDecimal("200147.333333333333333332")));
        assertThat(cur.buckets().get(1).revenueMicroByDenom())
                .isEqualTo(Map.of("uusd", new BigDecimal("300081.666666666666666668")));
        eq(prev, Metric.REVENUE_USD, "0.00001");
        eq(cur, Metric.REVENUE_USD, "0.500229");
        // Over a lease's life revenue is exactly what it was paid: L1 20, L2 199, L4 500000 (closed); L3 accrued 20.
        // Paid out (EscrowPayment): 5 (h5) | 15 (h11) + 166 (h12) + 33 + 500000 (h13) + 20 (h15) = 500234.
        eq(prev, Metric.PAYOUTS_USD, "0.000005");
        eq(cur, Metric.PAYOUTS_USD, "0.500234");
        assertThat(cur.payoutsMicroByDenom()).isEqualTo(Map.of("uusd", 500_234L));

        // Resources of active leases at each day's end: L1 1000m/1Gi/2Gi, L2 2000m/4Gi/10Gi/1 GPU,
        // L3 500m/512Mi/1Gi, L4 1000m/1Gi/1Gi.
        // CPU: 1000, 3000 | 3500, 500 → 2 and 2 cores. Memory: 1Gi, 5Gi | 5.5Gi, 0.5Gi → 3Gi and 3Gi.
        // Storage: 2Gi, 12Gi | 12Gi, 1Gi → 7Gi and 6.5Gi. GPUs leased: 0, 1 | 1, 0.
        eq(prev, Metric.CPU_LEASED, "2");
        eq(cur, Metric.CPU_LEASED, "2");
        eq(prev, Metric.MEMORY_LEASED, Long.toString(3 * GI));
        eq(cur, Metric.MEMORY_LEASED, Long.toString(3 * GI));
        eq(prev, Metric.STORAGE_LEASED, Long.toString(7 * GI));
        eq(cur, Metric.STORAGE_LEASED, Long.toString(13 * GI / 2));
        eq(prev, Metric.GPUS_LEASED, "0.5");
        eq(cur, Metric.GPUS_LEASED, "0.5");

        // Providers with a successful status within 3 h of the day's end, registered by then:
        // Jan 1 {A}, Jan 2 {A} (B not registered) | Jan 3 {A, B}, Jan 4 {A} (B's last answer 4 h before).
        assertThat(cur.buckets())
                .extracting(PeriodMetrics.Bucket::activeProviders)
                .containsExactly(2L, 1L);
        eq(prev, Metric.ACTIVE_PROVIDERS, "1");
        eq(cur, Metric.ACTIVE_PROVIDERS, "1.5");
        // GPUs: capacity 8, 8 | 12, 8; in use 0, 1 | 3, 0.
        assertThat(cur.buckets()).extracting(PeriodMetrics.Bucket::gpuCapacity).containsExactly(12L, 8L);
        assertThat(cur.buckets()).extracting(PeriodMetrics.Bucket::gpusInUse).containsExactly(3L, 0L);
        eq(prev, Metric.GPU_CAPACITY, "8");
        eq(cur, Metric.GPU_CAPACITY, "10");
        eq(prev, Metric.GPUS_IN_USE, "0.5");
        eq(cur, Metric.GPUS_IN_USE, "1.5");
        eq(prev, Metric.GPU_UTILIZATION_LEASED, "6.25"); // 1 / 16
        eq(cur, Metric.GPU_UTILIZATION_LEASED, "15.00"); // 3 / 20
        // Nothing reserved by open bids here: Akash's utilisation is the same.
        eq(cur, Metric.GPUS_RESERVED, "0");
        eq(cur, Metric.GPU_UTILIZATION_LEASED_OR_RESERVED, "15.00");
        assertThat(cur.gpusByModel())
                .isEqualTo(Map.of(
                        "nvidia a100",
                                new PeriodMetrics.Gpu(
                                        new BigDecimal("2"),
                                        new BigDecimal("1"),
                                        new BigDecimal("0"),
                                        new BigDecimal("50.00"),
                                        new BigDecimal("50.00")),
                        "nvidia h100",
                                new PeriodMetrics.Gpu(
                                        new BigDecimal("8"),
                                        new BigDecimal("0.5"),
                                        new BigDecimal("0"),
                                        new BigDecimal("6.25"),
                                        new BigDecimal("6.25"))));

        // Since genesis: the previous period's 10 before the period, then 200147.33… and 300081.66…: 500239 uusd,
        // 0.500239 USD at face value; 4 leases (2 before the period).
        assertThat(cur.sinceGenesis().revenueMicroByDenom()).isEqualTo(Map.of("uusd", new BigDecimal("500239")));
        assertThat(cur.sinceGenesis().revenueUsd()).isEqualByComparingTo("0.500239");
        assertThat(cur.buckets())
                .extracting(PeriodMetrics.Bucket::totalRevenueUsd)
                .containsExactly(new BigDecimal("0.200157333333333333333332"), new BigDecimal("0.500239"));
        assertThat(prev.sinceGenesis().revenueUsd()).isEqualByComparingTo("0.00001");
        eq(cur, Metric.TOTAL_LEASES, "4");

        // Change in percent, to 2 places.
        change(r, Metric.NEW_LEASES, "0.00");
        change(r, Metric.ACTIVE_LEASES, "33.33");
        change(r, Metric.REVENUE_USD, "5002190.00"); // (0.500229 − 0.00001) / 0.00001
        change(r, Metric.ACTIVE_PROVIDERS, "50.00");
        change(r, Metric.GPU_CAPACITY, "25.00");
        change(r, Metric.GPUS_IN_USE, "200.00");
        change(r, Metric.GPU_UTILIZATION_LEASED, "140.00");
        change(r, Metric.STORAGE_LEASED, "-7.14"); // 6.5 / 7 − 1
        change(r, Metric.CPU_LEASED, "0.00");
    }

    private static void eq(PeriodMetrics m, Metric metric, String expected) {
        assertThat(m.value(metric)).as(metric.key()).isEqualByComparingTo(new BigDecimal(expected));
    }

    private static void change(Report r, Metric metric, String expected) {
        assertThat(r.changePct().get(metric)).as(metric.key() + " change").isEqualTo(new BigDecimal(expected));
    }
}

package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A day on which nothing polled the providers has no capacity data: it is left out of the capacity means and the
 * report says so. One provider with 8 H100s (2 leased), registered at 2026-01-01 01:00 UTC, one block a day at
 * 06:00; its status at 23:00:
 *
 * <pre>
 * 01-01 answered   01-02 answered   01-03 (no poll: the indexer was down)   01-04 answered   01-05 failed
 * </pre>
 */
final class MissingSnapshotDayCase {
    private MissingSnapshotDayCase() {}

    private static final long HOUR = 3_600_000L;

    private static long day(int d, int hour) {
        return Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-gap",
                day(1, 0),
                List.of("provA"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("provA", "https://provider-a.example.com:8443", "h100");
        c.block(day(1, 1));
        for (int d = 2; d <= 6; d++) {
            c.block(day(d, 6));
        }
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            SnapshotStore store = new SnapshotStore(db);
            for (int d : new int[] {1, 2, 4}) {
                store.insert(Snapshots.h100(c.addr("provA"), day(d, 23), 8, 2));
            }
            store.insert(CapacitySnapshot.failed(c.addr("provA"), day(5, 23), "IOException: connection refused"));

            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2026-01-01", "2026-01-05"), null, Duration.ofDays(1));
            PeriodMetrics m = r.current();
            assertThat(m.buckets())
                    .extracting(PeriodMetrics.Bucket::capacityData)
                    .containsExactly(true, true, false, true, true);
            assertThat(m.capacityBucketsWithoutData()).isEqualTo(1);
            // Providers 1, 1, –, 1, 0 (polled, did not answer): 3 / 4 = 0.75, not 3 / 5 = 0.6.
            assertThat(m.value(Metric.ACTIVE_PROVIDERS)).isEqualByComparingTo("0.75");
            // GPUs 8, 8, –, 8, 0: 24 / 4 = 6 (not 4.8); leased 2, 2, –, 2, 0: 6 / 4 = 1.5 (not 1.2).
            assertThat(m.value(Metric.GPU_CAPACITY)).isEqualByComparingTo("6");
            assertThat(m.value(Metric.GPUS_IN_USE)).isEqualByComparingTo("1.5");
            assertThat(m.value(Metric.GPU_UTILIZATION_LEASED)).isEqualTo(new BigDecimal("25.00")); // 6 / 24
            assertThat(m.gpusByModel().get("nvidia h100").capacity()).isEqualByComparingTo("6");
            assertThat(ReportView.table(r))
                    .contains("1 of 5 days had no provider status data")
                    .contains("left out of the capacity means");
            assertThat(ReportView.series(m).get(2).get("activeProviders")).isNull();

            // A period with no capacity data at all: capacity figures unknown (n/a), not 0.
            Report gap = Report.of(q, PeriodSpec.parse("2026-01-03", "2026-01-03"), null, Duration.ofDays(1));
            assertThat(gap.current().capacityBucketsWithoutData()).isEqualTo(1);
            assertThat(gap.current().value(Metric.ACTIVE_PROVIDERS)).isNull();
            assertThat(gap.current().value(Metric.GPU_CAPACITY)).isNull();
            assertThat(gap.current().value(Metric.GPU_UTILIZATION_LEASED)).isNull();
            assertThat(gap.current().value(Metric.NEW_LEASES)).isEqualByComparingTo("0");
        }
    }
}

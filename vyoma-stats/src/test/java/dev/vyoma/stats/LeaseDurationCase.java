package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.LeaseDurations;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.store.StatsDb;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * How long the leases closed in a period ran, over {@link KnownAnswerChain} (a block every 6 hours). In
 * 2026-01-03..04 (h8..h15) three leases close: L1 (h3 → h11, 8 blocks: 48 hours), L2 (h7 → h13: 36 hours) and L4
 * (h10 → h13, its escrow ran out: 18 hours); L3 is still open. In 2026-01-01..02 none closes.
 */
final class LeaseDurationCase {
    private LeaseDurationCase() {}

    static void run(Supplier<StatsDb> open) throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = open.get()) {
            new Indexer(db, kat.chain.source()).catchUp();
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            PeriodSpec period = PeriodSpec.parse("2026-01-03", "2026-01-04");
            Report r = Report.of(q, period, period.previous(), Duration.ofDays(1));
            LeaseDurations d = r.current().leaseDurations();
            // 18 hours is in "1 hour to 1 day", 36 and 48 in "1 to 7 days".
            assertThat(d.binCounts()).containsExactly(0L, 1L, 2L, 0L, 0L, 0L);
            assertThat(d.count()).isEqualTo(3);
            // Mean (48 + 36 + 18) / 3 = 34; median 36; 90th percentile: rank ceil(0.9 × 3) = 3, the longest, 48.
            assertThat(d.meanHours()).isEqualByComparingTo("34");
            assertThat(d.medianHours()).isEqualByComparingTo("36");
            assertThat(d.p90Hours()).isEqualByComparingTo("48");

            // Nothing closed before: no figures, and no table.
            LeaseDurations none = r.previous().leaseDurations();
            assertThat(none.count()).isZero();
            assertThat(none.medianHours()).isNull();
            assertThat(none.binCounts()).containsOnly(0L);

            // An even count: 01-04 alone (h12..h15) closes L2 and L4; the median of {18, 36} is 27 hours, the 90th
            // percentile (rank ceil(1.8) = 2) 36.
            Report day4 = Report.of(q, PeriodSpec.parse("2026-01-04", "2026-01-04"), null, Duration.ofDays(1));
            assertThat(day4.current().leaseDurations().medianHours()).isEqualByComparingTo("27");
            assertThat(day4.current().leaseDurations().p90Hours()).isEqualByComparingTo("36");

            assertThat(ReportView.markdown(r, "t", List.of()))
                    .contains("## Lease durations")
                    .contains("| 1 to 7 days | 2 | 66.67% |")
                    .contains("mean 34.00, median 36.00, 90th percentile 48.00");
            assertThat(Charts.render(r.current())).containsKey("lease-durations.png");
        }
    }
}

package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.Rolling24h;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard's last 24 hours over {@link RevenueTotalsCase}'s chain: now is h9 (03-05 00:00), 24 hours before
 * is h7 (03-03 12:00, the last block at or before 03-04 00:00). The last 24 hours hold h8 (03-04 12:00) and h9; the
 * 24 before them h7.
 */
final class Rolling24hCase {
    private Rolling24hCase() {}

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = RevenueTotalsCase.chain();
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            RevenueTotalsCase.storePrices(db);
            MetricsQuery q = new MetricsQuery(db, MetricsQuery.prices(db, List.of()), MetricsQuery.DEFAULT_GRACE);
            Rolling24h d = Rolling24h.of(q);
            assertThat(d.nowHeight()).isEqualTo(9);
            assertThat(d.thenHeight()).isEqualTo(7);
            assertThat(d.nowMillis())
                    .isEqualTo(Instant.parse("2026-03-05T00:00:00Z").toEpochMilli());

            // New leases: L3 (h8) against none (h7): no change to give.
            row(d, Metric.NEW_LEASES, "1", "0", null);
            // Revenue: h8 L2 500 uakt at 5 USD = 0.0025, h9 (L2 500 + L3 300) at 6 USD = 0.0048 → 0.0073; the day
            // before h7 (L1 1000 + L2 500) at 4 USD = 0.006; (0.0073 − 0.006) / 0.006 = 21.67%.
            row(d, Metric.REVENUE_USD, "0.0073", "0.006", "21.67");
            // Open now L2, L3; then L2 (L1 closed at h7).
            row(d, Metric.ACTIVE_LEASES, "2", "1", "100.00");
            // Since genesis: 0.0165 + 0.0048 = 0.0213 against 0.014 (52.14%); 3 leases against 2.
            row(d, Metric.TOTAL_REVENUE_USD, "0.0213", "0.014", "52.14");
            row(d, Metric.TOTAL_LEASES, "3", "2", "50.00");
            // No provider ever answered a status poll: capacity is unknown both times.
            row(d, Metric.ACTIVE_PROVIDERS, null, null, null);

            assertThat(ReportView.tree(d))
                    .containsEntry("now", Map.of("height", 9L, "time", "2026-03-05T00:00:00Z"))
                    .containsEntry("then", Map.of("height", 7L, "time", "2026-03-04T00:00:00Z"));
            assertThat(ReportView.html(ReportView.section(d)))
                    .contains("<h2>Last 24 hours</h2>")
                    .contains("<td>New leases (24 h)</td>");
        }
    }

    private static void row(Rolling24h d, Metric m, String now, String then, String change) {
        Rolling24h.Row r =
                d.rows().stream().filter(x -> x.metric() == m).findFirst().orElseThrow();
        assertThat(r.now()).as(m.key() + " now").isEqualTo(now == null ? null : new BigDecimal(now));
        assertThat(r.then()).as(m.key() + " then").isEqualTo(then == null ? null : new BigDecimal(then));
        assertThat(r.changePct()).as(m.key() + " change").isEqualTo(change == null ? null : new BigDecimal(change));
    }
}

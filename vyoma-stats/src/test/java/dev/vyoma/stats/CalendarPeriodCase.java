package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Calendar periods compared with the calendar period before them. One lease is created on each of these days
 * (10:00 deployment and bid, 11:00 lease, UTC):
 *
 * <pre>
 * 2025-Q4: 10-01, 10-02, 11-15        2026-Q1: 01-30, 02-20, 03-05
 * </pre>
 *
 * 2026-Q1 has 90 days; the 90 days before it are 2025-10-03..12-31, which miss the leases of 10-01 and 10-02.
 */
final class CalendarPeriodCase {
    private CalendarPeriodCase() {}

    private static final List<String> LEASE_DAYS =
            List.of("2025-10-01", "2025-10-02", "2025-11-15", "2026-01-30", "2026-02-20", "2026-03-05");

    private static final long HOUR = 3_600_000L;

    static ScriptedChain chain() {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-calendar",
                at("2025-09-30"),
                List.of("tenant", "prov"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("prov", "https://prov.example.com:8443");
        c.block(at("2025-09-30") + HOUR);
        long dseq = 0;
        for (String day : LEASE_DAYS) {
            DeploymentId d = c.createDeployment(
                    "tenant", ++dseq, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "10"), 500_000);
            BidId bid = c.bid("prov", d, 1, 1, "1");
            c.block(at(day) + 10 * HOUR);
            c.tx("tenant", new Msg.CreateLease(bid));
            c.block(at(day) + 11 * HOUR);
        }
        // After the end of 2026-Q1: the quarter is complete.
        c.block(at("2026-04-02"));
        return c;
    }

    static long at(String date) {
        return Instant.parse(date + "T00:00:00Z").toEpochMilli();
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = chain();
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);

            // 2026-Q1 (3 leases) against 2025-Q4 (3 leases): no change. The 90 days before would hold 1 (11-15).
            PeriodSpec q1 = PeriodSpec.parse("2026-Q1");
            Report r = report(q, q1, "previous");
            assertThat(r.current().period().name()).isEqualTo("2026-Q1");
            assertThat(r.current().period().startMillis()).isEqualTo(at("2026-01-01"));
            assertThat(r.current().period().endMillis()).isEqualTo(at("2026-04-01"));
            assertThat(r.current().period().complete()).isTrue();
            assertThat(r.previous().period().name()).isEqualTo("2025-Q4");
            assertThat(r.previous().period().startMillis()).isEqualTo(at("2025-10-01"));
            assertThat(r.previous().period().endMillis()).isEqualTo(at("2026-01-01"));
            assertThat(r.current().buckets()).hasSize(90); // 31 + 28 + 31
            assertThat(r.previous().buckets()).hasSize(92); // 31 + 30 + 31
            newLeases(r, "3", "3", "0.00");

            // The same quarter by dates is compared the same way.
            newLeases(report(q, PeriodSpec.parse("2026-01-01", "2026-03-31"), "previous"), "3", "3", "0.00");

            // 2026-03 (03-05) against February (02-20): 1 and 1. The 31 days before March, 01-29..02-28, hold 2.
            Report march = report(q, PeriodSpec.parse("2026-03"), "previous");
            assertThat(march.previous().period().name()).isEqualTo("2026-02");
            newLeases(march, "1", "1", "0.00");

            // An explicit comparison: 2026-Q1 against 2025-11 (11-15): (3 − 1) / 1 = +200 %.
            Report explicit = report(q, q1, "2025-11");
            assertThat(explicit.previous().period().name()).isEqualTo("2025-11");
            newLeases(explicit, "3", "1", "200.00");

            // ISO week 2026-W10 is 03-02..03-08 (03-05): 1; week 9 (02-23..03-01): 0, so no change in percent.
            Report w10 = report(q, PeriodSpec.parse("2026-W10"), "previous");
            assertThat(w10.previous().period().startMillis()).isEqualTo(at("2026-02-23"));
            assertThat(w10.current().value(Metric.NEW_LEASES)).isEqualByComparingTo("1");
            assertThat(w10.previous().value(Metric.NEW_LEASES)).isEqualByComparingTo("0");
            assertThat(w10.changePct()).doesNotContainKey(Metric.NEW_LEASES);
        }
    }

    private static Report report(MetricsQuery q, PeriodSpec period, String compare) throws Exception {
        return Report.of(q, period, PeriodSpec.comparison(period, compare, "--compare"), Duration.ofDays(1));
    }

    private static void newLeases(Report r, String current, String previous, String changePct) {
        assertThat(r.current().value(Metric.NEW_LEASES)).isEqualByComparingTo(current);
        assertThat(r.previous().value(Metric.NEW_LEASES)).isEqualByComparingTo(previous);
        assertThat(r.changePct().get(Metric.NEW_LEASES)).isEqualTo(new BigDecimal(changePct));
    }
}

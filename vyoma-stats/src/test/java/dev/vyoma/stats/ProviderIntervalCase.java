package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A provider deleted and registered again keeps the days it was registered before. Four days from 2026-01-01, UTC:
 *
 * <pre>
 * h1 01-01 01:00  provA and provB register     each answers a status poll at 23:00 every day it is registered:
 * h2 01-02 06:00  provA deletes itself          provA (8 H100s) on 01-01, 01-03, 01-04; provB (4 H100s) every day
 * h3 01-03 06:00  provA registers again
 * h4 01-04 06:00  (empty)                       h5 01-05 00:00 (empty): the period is complete
 * </pre>
 */
final class ProviderIntervalCase {
    private ProviderIntervalCase() {}

    private static final long HOUR = 3_600_000L;

    private static long day(int d, int hour) {
        return Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-reregistered",
                day(1, 0),
                List.of("provA", "provB"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("provA", "https://provider-a.example.com:8443");
        c.createProvider("provB", "https://provider-b.example.com:8443");
        c.block(day(1, 1));
        c.tx("provA", new Msg.DeleteProvider(c.addr("provA")));
        c.block(day(2, 6));
        c.createProvider("provA", "https://provider-a.example.com:8443");
        c.block(day(3, 6));
        c.block(day(4, 6));
        c.block(day(5, 0));
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            SnapshotStore store = new SnapshotStore(db);
            for (int d = 1; d <= 4; d++) {
                if (d != 2) {
                    store.insert(Snapshots.h100(c.addr("provA"), day(d, 23), 8, 0));
                }
                store.insert(Snapshots.h100(c.addr("provB"), day(d, 23), 4, 0));
            }

            // Every registration is kept: provA [1, 2) and [3, …), provB [1, …).
            String a = c.addr("provA").toString();
            String b = c.addr("provB").toString();
            assertThat(rows(
                            db,
                            "SELECT owner, created_height, deleted_height FROM provider_registration"
                                    + " ORDER BY owner, created_height"))
                    .containsExactlyInAnyOrder(a + " 1 2", a + " 3 null", b + " 1 null");
            // The provider table holds the present registration (the one the poller polls).
            assertThat(rows(db, "SELECT owner, created_height, deleted_height FROM provider"))
                    .containsExactlyInAnyOrder(a + " 3 null", b + " 1 null");

            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2026-01-01", "2026-01-04"), null, Duration.ofDays(1));
            // Registered at each day's last block (h1, h2, h3, h4): {A, B}, {B} (A deleted at h2), {A, B}, {A, B}.
            // Had provA's first registration been lost (created at h3), 01-01 would count {B} only.
            assertThat(r.current().buckets())
                    .extracting(PeriodMetrics.Bucket::activeProviders)
                    .containsExactly(2L, 1L, 2L, 2L);
            assertThat(r.current().value(Metric.ACTIVE_PROVIDERS)).isEqualByComparingTo("1.75"); // 7 / 4
            // H100s: 8 + 4, 4, 8 + 4, 8 + 4 → 40 / 4 = 10.
            assertThat(r.current().buckets())
                    .extracting(PeriodMetrics.Bucket::gpuCapacity)
                    .containsExactly(12L, 4L, 12L, 12L);
            assertThat(r.current().value(Metric.GPU_CAPACITY)).isEqualByComparingTo("10");
        }
    }

    private static List<String> rows(StatsDb db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection conn = db.connection();
                Statement s = conn.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1) + " " + r.getLong(2) + " " + (r.getObject(3) == null ? "null" : r.getLong(3)));
            }
        }
        return out;
    }
}

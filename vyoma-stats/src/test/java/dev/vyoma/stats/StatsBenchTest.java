package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.bench.StatsBench;
import dev.vyoma.stats.store.StatsDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The benchmarks at a small scale: they run, and what they measure agrees with the tables. */
class StatsBenchTest {
    @Test
    void reportOverSyntheticRowsCountsWhatTheTablesHold() throws Exception {
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            StatsBench.ReportResult r = StatsBench.report(db, 20_000, 100_000, 1);
            // 2026-01-01 is day 92 after 2025-10-01: heights from 92 × 14400 + 1 to 182 × 14400 − 1 (00:00 of
            // 2026-04-01 is block 182 × 14400, outside the period).
            long from = 92L * 14_400;
            long to = 182L * 14_400 - 1;
            assertThat(r.newLeases())
                    .isEqualTo(count(
                            db, "SELECT COUNT(*) FROM lease WHERE created_height BETWEEN " + from + " AND " + to));
            assertThat(r.newLeases()).isPositive();
            assertThat(count(db, "SELECT COUNT(*) FROM payment")).isEqualTo(100_000);
        }
    }

    @Test
    void indexingAScriptedChainIndexesEveryBlockAndLease() throws Exception {
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            StatsBench.IndexResult r = StatsBench.indexing(db, 200);
            assertThat(r.blocks()).isEqualTo(200);
            assertThat(count(db, "SELECT COUNT(*) FROM block")).isEqualTo(200);
            assertThat(count(db, "SELECT COUNT(*) FROM lease"))
                    .isEqualTo(r.leases())
                    .isPositive();
            assertThat(count(db, "SELECT COUNT(*) FROM lease WHERE closed_height IS NOT NULL"))
                    .isPositive();
            assertThat(count(db, "SELECT COUNT(*) FROM payment")).isPositive();
        }
    }

    private static long count(StatsDb db, String sql) throws Exception {
        try (Connection c = db.connection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}

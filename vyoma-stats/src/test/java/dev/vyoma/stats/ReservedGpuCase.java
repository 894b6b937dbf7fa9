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
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * GPUs reserved by open bids (the provider status's {@code reserved}, Akash's "pending") are stored and counted in
 * Akash's utilisation, beside the leased-only one. One provider with 8 H100s answers at 23:00 UTC on two days:
 *
 * <pre>
 * 2026-01-01  allocated 2, reserved 1        2026-01-02  allocated 3, reserved 3
 * </pre>
 */
final class ReservedGpuCase {
    private ReservedGpuCase() {}

    private static final long HOUR = 3_600_000L;
    private static final long GENESIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** A status answer as the provider's gateway writes it ({@code GET /v1/status}). */
    private static String status(long allocated, long reserved) {
        return """
                {"provider": "P", "inventory": "declared", "activeLeases": 1, "openBids": 1, "runningLeases": 1,
                 "cpu": {"total": 16000, "allocatable": 16000, "allocated": 4000, "reserved": 1000, "available": 11000},
                 "memory": {"total": 1000, "allocatable": 1000, "allocated": 100, "reserved": 50, "available": 850},
                 "storage": {"ephemeral": {"total": 500, "allocatable": 500, "allocated": 10, "reserved": 5,
                                           "available": 485},
                             "beta3": {"total": 300, "allocatable": 300, "allocated": 20, "reserved": 7,
                                       "available": 273}},
                 "gpus": [{"vendor": "nvidia", "model": "h100", "vram": "80Gi", "interface": "sxm", "total": 8,
                           "allocatable": 8, "allocated": ALLOCATED, "reserved": RESERVED, "available": 0}]}
                """.replace("ALLOCATED", Long.toString(allocated)).replace("RESERVED", Long.toString(reserved));
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-reserved",
                GENESIS,
                List.of("provA"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("provA", "https://provider-a.example.com:8443", "h100");
        c.block(GENESIS + HOUR);
        c.block(GENESIS + 30 * HOUR);
        c.block(GENESIS + 48 * HOUR);
        JsonMapper json = JsonMapper.builder().build();
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            SnapshotStore store = new SnapshotStore(db);
            store.insert(
                    CapacitySnapshot.fromStatus(c.addr("provA"), GENESIS + 23 * HOUR, json.readTree(status(2, 1))));
            store.insert(
                    CapacitySnapshot.fromStatus(c.addr("provA"), GENESIS + 47 * HOUR, json.readTree(status(3, 3))));

            // Stored as reported: CPU 1000 m, memory 50, storage 5 + 7 = 12 reserved; GPUs 1 and 3.
            try (Connection conn = db.connection();
                    Statement s = conn.createStatement();
                    ResultSet r = s.executeQuery("SELECT p.cpu_reserved, p.memory_reserved, p.storage_reserved,"
                            + " g.reserved FROM provider_snapshot p JOIN provider_snapshot_gpu g"
                            + " ON g.provider = p.provider AND g.time_ms = p.time_ms ORDER BY p.time_ms")) {
                assertThat(r.next()).isTrue();
                assertThat(List.of(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)))
                        .containsExactly(1000L, 50L, 12L, 1L);
                assertThat(r.next()).isTrue();
                assertThat(r.getLong(4)).isEqualTo(3L);
            }

            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report rep = Report.of(q, PeriodSpec.parse("2026-01-01", "2026-01-02"), null, Duration.ofDays(1));
            PeriodMetrics m = rep.current();
            assertThat(m.buckets())
                    .extracting(PeriodMetrics.Bucket::gpusReserved)
                    .containsExactly(1L, 3L);
            assertThat(m.value(Metric.GPU_CAPACITY)).isEqualByComparingTo("8");
            assertThat(m.value(Metric.GPUS_IN_USE)).isEqualByComparingTo("2.5"); // (2 + 3) / 2
            assertThat(m.value(Metric.GPUS_RESERVED)).isEqualByComparingTo("2"); // (1 + 3) / 2
            // Leased: (2 + 3) / (8 + 8) = 5 / 16 = 31.25 %.
            assertThat(m.value(Metric.GPU_UTILIZATION_LEASED)).isEqualTo(new BigDecimal("31.25"));
            // Akash's, leased or reserved: (2 + 1 + 3 + 3) / 16 = 9 / 16 = 56.25 %.
            assertThat(m.value(Metric.GPU_UTILIZATION_LEASED_OR_RESERVED)).isEqualTo(new BigDecimal("56.25"));
            assertThat(m.gpusByModel().get("nvidia h100"))
                    .isEqualTo(new PeriodMetrics.Gpu(
                            new BigDecimal("8"),
                            new BigDecimal("2.5"),
                            new BigDecimal("2"),
                            new BigDecimal("31.25"),
                            new BigDecimal("56.25")));
        }
    }
}

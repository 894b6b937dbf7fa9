package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.GpuPrices;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
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

/**
 * GPU prices by model, from bids and from leases. 2026-04-01, a block every 30 minutes (h1 at 00:00 … h48 at
 * 23:30: 47 blocks in 23.5 hours, 2 an hour), prices in uusd (10^6 uusd = 1 USD, so 1,000,000 a block is 2 USD an
 * hour):
 *
 * <pre>
 * h1  pA (h100), pB (h100, a100), pC (a100) register
 * h2  D1 (1 h100): pA bids 1,000,000, pB 1,200,000     D3 (1 a100): pB bids 600,000, pC 500,000
 *     D2 (2 h100): pA bids 2,600,000, pB 1,800,000     D4 (CPU only): pA bids 10 (not a GPU bid: not kept)
 * h3  leases D1 ← pA, D2 ← pA (1,300,000 a GPU), D3 ← pC, D4 ← pA
 * h49 (04-02 00:00) D5 (1 h100): pB bids 100,000: after the period
 * </pre>
 */
final class GpuPriceCase {
    private GpuPriceCase() {}

    private static final long START = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();
    private static final long HALF_HOUR = 1_800_000L;

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-gpu-prices",
                START,
                List.of("tenant", "pA", "pB", "pC"),
                List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000L)));
        c.createProvider("pA", "https://pa.example.com:8443", "h100");
        c.createProvider("pB", "https://pb.example.com:8443", "a100", "h100");
        c.createProvider("pC", "https://pc.example.com:8443", "a100");
        c.block(START);
        DeploymentId d1 = deployment(c, 1, ScriptedChain.groups("1", "1Gi", "1Gi", 1, "h100", 1, "5000000"));
        DeploymentId d2 = deployment(c, 2, ScriptedChain.groups("1", "1Gi", "1Gi", 2, "h100", 1, "5000000"));
        DeploymentId d3 = deployment(c, 3, ScriptedChain.groups("1", "1Gi", "1Gi", 1, "a100", 1, "5000000"));
        DeploymentId d4 = deployment(c, 4, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "100"));
        BidId a1 = c.bid("pA", d1, 1, 1, "1000000");
        BidId a2 = c.bid("pA", d2, 1, 1, "2600000");
        BidId a4 = c.bid("pA", d4, 1, 1, "10");
        c.bid("pB", d1, 1, 1, "1200000");
        c.bid("pB", d2, 1, 1, "1800000");
        c.bid("pB", d3, 1, 1, "600000");
        BidId c3 = c.bid("pC", d3, 1, 1, "500000");
        c.block(START + HALF_HOUR);
        c.tx(
                "tenant",
                new Msg.CreateLease(a1),
                new Msg.CreateLease(a2),
                new Msg.CreateLease(c3),
                new Msg.CreateLease(a4));
        c.block(START + 2 * HALF_HOUR);
        for (int h = 4; h <= 48; h++) {
            c.block(START + (h - 1) * HALF_HOUR);
        }
        DeploymentId d5 = deployment(c, 5, ScriptedChain.groups("1", "1Gi", "1Gi", 1, "h100", 1, "5000000"));
        c.bid("pB", d5, 1, 1, "100000");
        c.block(START + 48 * HALF_HOUR);
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            // Kept: the 7 bids on GPU groups (D1, D2, D3, D5), with their GPUs and model; the CPU bid is not.
            try (Connection conn = db.connection();
                    Statement s = conn.createStatement();
                    ResultSet r =
                            s.executeQuery("SELECT COUNT(*), SUM(gpu_units), COUNT(DISTINCT gpu_model) FROM bid")) {
                r.next();
                assertThat(List.of(r.getLong(1), r.getLong(2), r.getLong(3))).containsExactly(7L, 9L, 2L);
            }
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2026-04-01", "2026-04-01"), null, Duration.ofDays(1));
            GpuPrices g = r.current().gpuPrices();
            assertThat(g.blocksPerHour()).isEqualByComparingTo("2");

            // h100 bids per GPU: pA 1,000,000 (D1) and 1,300,000 (D2); pB 1,200,000 and 900,000. Each provider's
            // cheapest: pA 1.0 USD a block, pB 0.9 → 1.80, 1.90, 2.00 USD an hour; a month is 24 × 30.437 = 730.488
            // hours: 1314.8784, 1387.9272, 1460.976.
            GpuPrices.Model h100 = g.models().get("nvidia h100");
            assertThat(h100.bids()).isEqualTo(stats(4, 2, "1.8", "1.9", "2", "1314.8784", "1387.9272", "1460.976"));
            // h100 leases: D1 at 1,000,000 and D2 at 2,600,000 / 2 = 1,300,000 a GPU, both pA: 2.00, 2.30, 2.60 an
            // hour; 1460.976, 1680.1224, 1899.2688 a month.
            assertThat(h100.leases()).isEqualTo(stats(2, 1, "2", "2.3", "2.6", "1460.976", "1680.1224", "1899.2688"));
            // a100 bids: pB 600,000, pC 500,000 → 1.00, 1.10, 1.20 an hour; the lease pC at 1.00.
            GpuPrices.Model a100 = g.models().get("nvidia a100");
            assertThat(a100.bids()).isEqualTo(stats(2, 2, "1", "1.1", "1.2", "730.488", "803.5368", "876.5856"));
            assertThat(a100.leases()).isEqualTo(stats(1, 1, "1", "1", "1", "730.488", "730.488", "730.488"));

            assertThat(ReportView.markdown(r, "t", List.of()))
                    .contains("## GPU prices by model")
                    .contains("| nvidia h100 | 4 (2) | 1.80 – 1.90 – 2.00 | 1,387.93 | 2 (1) | 2.00 – 2.30 – 2.60 |"
                            + " 1,680.12 |");
            assertThat(Charts.render(r.current())).containsKey("gpu-prices.png");

            // A period of one block cannot say how many blocks an hour: prices per hour are n/a.
            Report one = Report.of(q, PeriodSpec.parse("h2", "h2"), null, Duration.ofDays(1));
            assertThat(one.current().gpuPrices().blocksPerHour()).isNull();
            assertThat(one.current()
                            .gpuPrices()
                            .models()
                            .get("nvidia h100")
                            .bids()
                            .medianPerHour())
                    .isNull();
        }
    }

    private static DeploymentId deployment(ScriptedChain c, long dseq, List<GroupSpec> groups) {
        return c.createDeployment("tenant", dseq, groups, 500_000_000L);
    }

    private static GpuPrices.Stats stats(
            int count, int providers, String min, String median, String max, String mMin, String mMed, String mMax) {
        return new GpuPrices.Stats(
                count,
                providers,
                new BigDecimal(min),
                new BigDecimal(median),
                new BigDecimal(max),
                new BigDecimal(mMin),
                new BigDecimal(mMed),
                new BigDecimal(mMax));
    }
}

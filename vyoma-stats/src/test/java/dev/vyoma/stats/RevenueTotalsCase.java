package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Revenue per denomination and in USD, the running total since genesis and the totals at a period's end. A chain
 * whose deposits and prices are in {@code uakt}, priced (USD per AKT) 2, 3, 4, 5 and 6 on 03-01 … 03-05:
 *
 * <pre>
 * h1 03-01 00:00  provider registers             h6 03-02 13:00  lease L2 at 500
 * h2 03-01 01:00  D1, bid 1000 uakt a block      h7 03-03 12:00  the tenant closes D1; D3, bid 300
 * h3 03-01 02:00  lease L1 at 1000               h8 03-04 12:00  lease L3 at 300
 * h4 03-01 12:00                                 h9 03-05 00:00  (the period 03-03..03-04 is complete)
 * h5 03-02 12:00  D2, bid 500
 * </pre>
 *
 * Revenue per day (a lease earns every block after its creating block, up to and including its closing one):
 * 03-01 L1 1000 (h4); 03-02 L1 2000 (h5, h6); 03-03 L1 1000 + L2 500 (h7); 03-04 L2 500 (h8).
 */
final class RevenueTotalsCase {
    private RevenueTotalsCase() {}

    private static final long HOUR = 3_600_000L;

    private static long day(int d, int hour) {
        return Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    static ScriptedChain chain() {
        Params d = Params.defaults();
        Params uakt = new Params(
                d.feeDenom(),
                "uakt",
                d.bidDepositDenom(),
                d.defaultFee(),
                d.fees(),
                d.minDeploymentDeposit(),
                d.minBidDeposit(),
                d.maxBidsPerOrder(),
                d.maxTxBytes(),
                d.maxMsgsPerTx(),
                d.maxTxsPerBlock());
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-revenue",
                day(1, 0),
                List.of("tenant", "prov"),
                List.of(new Coin("uakt", 100_000_000), new Coin("uvyo", 100_000_000)),
                uakt);
        c.createProvider("prov", "https://prov.example.com:8443");
        c.block(day(1, 0));
        DeploymentId d1 = deployment(c, 1);
        BidId l1 = c.bid("prov", d1, 1, 1, new DecCoin("uakt", new BigDecimal("1000")));
        c.block(day(1, 1));
        c.tx("tenant", new Msg.CreateLease(l1));
        c.block(day(1, 2));
        c.block(day(1, 12));
        DeploymentId d2 = deployment(c, 2);
        BidId l2 = c.bid("prov", d2, 1, 1, new DecCoin("uakt", new BigDecimal("500")));
        c.block(day(2, 12));
        c.tx("tenant", new Msg.CreateLease(l2));
        c.block(day(2, 13));
        c.tx("tenant", new Msg.CloseDeployment(d1));
        DeploymentId d3 = deployment(c, 3);
        BidId l3 = c.bid("prov", d3, 1, 1, new DecCoin("uakt", new BigDecimal("300")));
        c.block(day(3, 12));
        c.tx("tenant", new Msg.CreateLease(l3));
        c.block(day(4, 12));
        c.block(day(5, 0));
        return c;
    }

    private static DeploymentId deployment(ScriptedChain c, long dseq) {
        return c.createDeployment(
                "tenant",
                dseq,
                ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "2000", "uakt"),
                new Coin("uakt", 5_000_000));
    }

    static void storePrices(StatsDb db) throws Exception {
        MetricsQuery.storePrices(
                db,
                List.of(
                        price("2026-03-01", "2"),
                        price("2026-03-02", "3"),
                        price("2026-03-03", "4"),
                        price("2026-03-04", "5"),
                        price("2026-03-05", "6")));
    }

    private static PriceTable.Entry price(String day, String usd) {
        return new PriceTable.Entry("uakt", LocalDate.parse(day), new BigDecimal(usd));
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = chain();
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            storePrices(db);
            MetricsQuery q = new MetricsQuery(db, MetricsQuery.prices(db, List.of()), MetricsQuery.DEFAULT_GRACE);
            PeriodSpec period = PeriodSpec.parse("2026-03-03", "2026-03-04");
            Report r = Report.of(q, period, period.previous(), Duration.ofDays(1));
            PeriodMetrics cur = r.current();
            PeriodMetrics prev = r.previous();

            // Per day, per denomination and in USD: 03-03 1500 uakt × 4 / 10^6 = 0.006; 03-04 500 × 5 / 10^6 = 0.0025.
            assertThat(cur.buckets())
                    .extracting(b -> (Map<String, BigDecimal>) b.revenueMicroByDenom())
                    .containsExactly(Map.of("uakt", new BigDecimal("1500")), Map.of("uakt", new BigDecimal("500")));
            assertThat(cur.buckets())
                    .extracting(b -> (Map<String, BigDecimal>) b.revenueUsdByDenom())
                    .containsExactly(Map.of("uakt", new BigDecimal("0.006")), Map.of("uakt", new BigDecimal("0.0025")));
            assertThat(cur.revenueMicroByDenom()).isEqualTo(Map.of("uakt", new BigDecimal("2000")));
            assertThat(cur.revenueUsdByDenom()).isEqualTo(Map.of("uakt", new BigDecimal("0.0085")));
            assertThat(cur.value(Metric.REVENUE_USD)).isEqualByComparingTo("0.0085");
            // The previous two days: 1000 × 2 / 10^6 + 2000 × 3 / 10^6 = 0.002 + 0.006 = 0.008.
            assertThat(prev.revenueUsdByDenom()).isEqualTo(Map.of("uakt", new BigDecimal("0.008")));

            // Since genesis, each day at its own price: before the period 0.008 (3000 uakt); after 03-03 0.014,
            // after 03-04 0.0165 (5000 uakt). Leases created since genesis: 2 after 03-03 (L1, L2), 3 after 03-04.
            assertThat(cur.buckets())
                    .extracting(PeriodMetrics.Bucket::totalRevenueUsd)
                    .containsExactly(new BigDecimal("0.014"), new BigDecimal("0.0165"));
            assertThat(cur.buckets())
                    .extracting(PeriodMetrics.Bucket::totalLeases)
                    .containsExactly(2L, 3L);
            assertThat(cur.sinceGenesis())
                    .isEqualTo(new PeriodMetrics.SinceGenesis(
                            3,
                            new java.util.TreeMap<>(Map.of("uakt", new BigDecimal("5000"))),
                            new BigDecimal("0.0165")));
            assertThat(cur.value(Metric.TOTAL_REVENUE_USD)).isEqualByComparingTo("0.0165");
            assertThat(cur.value(Metric.TOTAL_LEASES)).isEqualByComparingTo("3");
            // At the previous period's end (h6): L1 and L2, 0.008 USD.
            assertThat(prev.value(Metric.TOTAL_REVENUE_USD)).isEqualByComparingTo("0.008");
            assertThat(prev.value(Metric.TOTAL_LEASES)).isEqualByComparingTo("2");
            // Changes: revenue (0.0085 − 0.008) / 0.008 = 6.25%; since genesis (0.0165 − 0.008) / 0.008 = 106.25%;
            // leases since genesis 3 against 2: +50%; new leases 1 (L3) against 2.
            assertThat(r.changePct().get(Metric.REVENUE_USD)).isEqualTo(new BigDecimal("6.25"));
            assertThat(r.changePct().get(Metric.TOTAL_REVENUE_USD)).isEqualTo(new BigDecimal("106.25"));
            assertThat(r.changePct().get(Metric.TOTAL_LEASES)).isEqualTo(new BigDecimal("50.00"));
            assertThat(r.changePct().get(Metric.NEW_LEASES)).isEqualTo(new BigDecimal("-50.00"));

            // The one provider earned all of it, each day at its price as the revenue.
            assertThat(cur.providers().rows()).hasSize(1);
            assertThat(cur.providers().rows().get(0).earningsUsd()).isEqualByComparingTo("0.0085");
            assertThat(cur.providers().rows().get(0).earningsMicroByDenom())
                    .isEqualTo(Map.of("uakt", new BigDecimal("2000")));

            // Hours cut the period finer; the totals are the same.
            Report hourly = Report.of(q, period, null, Duration.ofHours(1));
            assertThat(hourly.current().sinceGenesis()).isEqualTo(cur.sinceGenesis());
            assertThat(hourly.current().revenueUsdByDenom()).isEqualTo(cur.revenueUsdByDenom());

            // Printed: the revenue table, the totals in JSON, the charts.
            assertThat(ReportView.markdown(r, "t", List.of()))
                    .contains("## Revenue by denomination")
                    .contains("| uakt | 2000 | 0.01 | 5000 |")
                    .contains("Since genesis: 0.02 USD from 3 leases");
            assertThat(ReportView.tree(r))
                    .containsEntry("revenueUsdByDenom", Map.of("uakt", "0.0085"))
                    .containsEntry(
                            "sinceGenesis",
                            Map.of(
                                    "leases",
                                    3L,
                                    "revenueMicroByDenom",
                                    Map.of("uakt", "5000"),
                                    "revenueUsd",
                                    "0.0165"));
            assertThat(Charts.render(cur)).containsKeys("revenue-by-denom.png", "cumulative-revenue.png");
        }
    }
}

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
import dev.vyoma.stats.metrics.PriceTable.MissingPrice;
import dev.vyoma.stats.metrics.Report;
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
 * A day without a USD price counts 0 USD (Akash's rule) unless {@code --missing-price last} repeats the latest
 * earlier price; either way the day is listed. A chain whose deposits and prices are in {@code uakt}:
 *
 * <pre>
 * h1 01-01 00:00  provider registers          h4 01-01 12:00   h5 01-02 12:00   h6 01-03 12:00
 * h2 01-01 01:00  deployment, bid 1000 uakt   h7 01-04 00:00 (the period 01-01..01-03 is complete)
 * h3 01-01 02:00  lease                        prices (USD per AKT): 01-01 2.00, 01-03 4.00; none on 01-02
 * </pre>
 *
 * The lease earns 1000 uakt a block after h3: one block (h4, h5, h6) on each day.
 */
final class MissingPriceCase {
    private MissingPriceCase() {}

    private static final long HOUR = 3_600_000L;
    private static final long GENESIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    static void run(Supplier<StatsDb> open) throws Exception {
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
                "vyoma-stats-prices",
                GENESIS,
                List.of("tenant", "prov"),
                List.of(new Coin("uakt", 100_000_000), new Coin("uvyo", 100_000_000)),
                uakt);
        c.createProvider("prov", "https://prov.example.com:8443");
        c.block(GENESIS);
        DeploymentId dep = c.createDeployment(
                "tenant",
                1,
                ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "2000", "uakt"),
                new Coin("uakt", 5_000_000));
        BidId bid = c.bid("prov", dep, 1, 1, new DecCoin("uakt", new BigDecimal("1000")));
        c.block(GENESIS + HOUR);
        c.tx("tenant", new Msg.CreateLease(bid));
        c.block(GENESIS + 2 * HOUR);
        c.block(GENESIS + 12 * HOUR);
        c.block(GENESIS + 36 * HOUR);
        c.block(GENESIS + 60 * HOUR);
        c.block(GENESIS + 72 * HOUR);
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            MetricsQuery.storePrices(
                    db,
                    List.of(
                            new PriceTable.Entry("uakt", LocalDate.parse("2026-01-01"), new BigDecimal("2.00")),
                            new PriceTable.Entry("uakt", LocalDate.parse("2026-01-03"), new BigDecimal("4.00"))));
            PeriodSpec period = PeriodSpec.parse("2026-01-01", "2026-01-03");

            // By default (Akash): 1000 uakt × 2.00 / 10^6 = 0.002, 0 on 01-02, 1000 × 4.00 / 10^6 = 0.004 → 0.006.
            Report zero = report(db, MissingPrice.ZERO, period);
            assertThat(zero.current().buckets())
                    .extracting(PeriodMetrics.Bucket::revenueUsd)
                    .containsExactly(new BigDecimal("0.002"), BigDecimal.ZERO, new BigDecimal("0.004"));
            assertThat(zero.current().value(Metric.REVENUE_USD)).isEqualByComparingTo("0.006");
            assertThat(zero.current().revenueMicroByDenom()).isEqualTo(Map.of("uakt", new BigDecimal("3000")));
            assertThat(zero.current().priceGaps().days())
                    .isEqualTo(Map.of("uakt", List.of(LocalDate.parse("2026-01-02"))));
            assertThat(zero.current().unpricedDenoms()).isEmpty();
            assertThat(ReportView.table(zero))
                    .contains("uakt had no USD price on 1 day (2026-01-02): counted as 0 USD, as Akash does");

            // Repeating the last price: 01-02 at 2.00 → 0.002 + 0.002 + 0.004 = 0.008, and the day is still listed.
            Report last = report(db, MissingPrice.LAST, period);
            assertThat(last.current().value(Metric.REVENUE_USD)).isEqualByComparingTo("0.008");
            assertThat(last.current().priceGaps().days())
                    .isEqualTo(Map.of("uakt", List.of(LocalDate.parse("2026-01-02"))));
            assertThat(ReportView.notes(last))
                    .contains("uakt had no USD price on 1 day (2026-01-02): filled with the latest earlier price"
                            + " (--missing-price last; Akash counts 0 USD).");
        }
    }

    private static Report report(StatsDb db, MissingPrice rule, PeriodSpec period) throws Exception {
        MetricsQuery q = new MetricsQuery(db, MetricsQuery.prices(db, List.of(), rule), MetricsQuery.DEFAULT_GRACE);
        return Report.of(q, period, null, Duration.ofDays(1));
    }
}

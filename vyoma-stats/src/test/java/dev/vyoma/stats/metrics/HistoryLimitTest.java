package dev.vyoma.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The revenue since genesis of a denomination with a price table is read day by day, from at most {@link
 * MetricsQuery#MAX_HISTORY_DAYS} days before the period: a chain whose lease (1 uakt a block) started that many days
 * before the period is reported; one day more is a one-line error.
 */
class HistoryLimitTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    private static Report report(int days) throws Exception {
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
                "vyoma-stats-history",
                0,
                List.of("tenant", "prov"),
                List.of(new Coin("uakt", 100_000_000), new Coin("uvyo", 100_000_000)),
                uakt);
        c.createProvider("prov", "https://prov.example.com:8443");
        c.block(0);
        DeploymentId dep = c.createDeployment(
                "tenant",
                1,
                ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "2", "uakt"),
                new Coin("uakt", 5_000_000));
        BidId bid = c.bid("prov", dep, 1, 1, new DecCoin("uakt", BigDecimal.ONE));
        c.block(HOUR);
        c.tx("tenant", new Msg.CreateLease(bid));
        c.block(2 * HOUR);
        c.block(3 * HOUR);
        c.block(4 * HOUR);
        // The next blocks are `days` days after genesis: the day the period starts, and the next.
        c.block(days * DAY + HOUR);
        c.block((days + 1) * DAY);
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            new Indexer(db, c.source()).catchUp();
            MetricsQuery.storePrices(db, List.of(new PriceTable.Entry("uakt", LocalDate.EPOCH, new BigDecimal("2"))));
            MetricsQuery q = new MetricsQuery(db, MetricsQuery.prices(db, List.of()), MetricsQuery.DEFAULT_GRACE);
            LocalDate day = LocalDate.ofEpochDay(days);
            return Report.of(q, PeriodSpec.parse(day.toString(), day.toString()), null, Duration.ofDays(1));
        }
    }

    @Test
    void theRevenueSinceGenesisIsReadFromAtMostTheLimitInDays() throws Exception {
        // Before the period the lease earned 1 uakt a block at h4 and h5 on 1970-01-01, at 2 USD an AKT: 0.000004
        // USD; in the period 1 more at h6 (its day has no price: 0 USD).
        Report r = report(MetricsQuery.MAX_HISTORY_DAYS);
        assertThat(r.current().sinceGenesis().revenueMicroByDenom()).containsEntry("uakt", new BigDecimal("3"));
        assertThat(r.current().buckets().get(0).totalRevenueUsd()).isEqualByComparingTo("0.000004");
        assertThatThrownBy(() -> report(MetricsQuery.MAX_HISTORY_DAYS + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the time from genesis to the period has " + (MetricsQuery.MAX_HISTORY_DAYS + 1)
                        + " buckets of PT24H; at most " + MetricsQuery.MAX_HISTORY_DAYS);
    }
}

package dev.vyoma.stats;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.store.StatsDb;
import dev.vyoma.testkit.GuardedServerScenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's connection limits, with small values so that each is reached: one address holding its cap gets
 * 429 on the next connection while another address is served, the total gives 503, a slowloris head is closed after
 * the head timeout, and a request head past its size is refused. The defaults are in docs/security.md.
 */
class DashboardLimitsTest {
    private static final HttpLimits LIMITS =
            new HttpLimits(5, 3, Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(1), 2_048, 16);

    @Test
    void oneAddressCannotHoldTheDashboardNorCanASlowHead() throws Exception {
        try (StatsDb db = StatsDb.open("duckdb::memory:");
                Dashboard d = Dashboard.start(
                        new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE),
                        () -> 7,
                        "127.0.0.1",
                        0,
                        LIMITS)) {
            GuardedServerScenario.run(new GuardedServerScenario.Server(
                    d.port(),
                    "/api/status",
                    a -> a.status() == 200 && a.body().contains("\"indexedHeight\":7"),
                    "the dashboard",
                    LIMITS.connections(),
                    LIMITS.connectionsPerClient(),
                    LIMITS.headTimeout(),
                    LIMITS.requestHeadBytes(),
                    () -> d.guard().connections().open(),
                    () -> d.guard().slowHeadsClosed()));
        }
    }
}

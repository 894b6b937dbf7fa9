package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.store.StatsDb;
import dev.vyoma.testkit.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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
        List<RawHttp> held = new ArrayList<>();
        try (StatsDb db = StatsDb.open("duckdb::memory:");
                Dashboard d = Dashboard.start(
                        new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE),
                        () -> 7,
                        "127.0.0.1",
                        0,
                        LIMITS)) {
            int port = d.port();
            for (int i = 0; i < LIMITS.connectionsPerClient(); i++) {
                RawHttp c = RawHttp.connect("127.0.0.1", port);
                held.add(c);
                assertThat(c.get("/api/status").body()).contains("\"indexedHeight\":7");
            }
            RawHttp over = RawHttp.connect("127.0.0.1", port);
            held.add(over);
            assertThat(over.get("/api/status").toString())
                    .startsWith("429 ")
                    .contains("at most 3 open connections from one client");
            assertThat(over.closedWithin(5_000)).isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> d.guard().connections().open() == 3);
            // Another address is served while the first holds its cap; the total (5) refuses a third address.
            RawHttp other = RawHttp.connect("127.0.0.2", port);
            RawHttp other2 = RawHttp.connect("127.0.0.2", port);
            held.add(other);
            held.add(other2);
            assertThat(other.get("/api/status").status()).isEqualTo(200);
            assertThat(other2.get("/api/status").status()).isEqualTo(200);
            RawHttp third = RawHttp.connect("127.0.0.3", port);
            held.add(third);
            assertThat(third.get("/api/status").toString())
                    .startsWith("503 ")
                    .contains("the dashboard serves at most 5 open connections");

            // A slowloris head: a byte every 100 ms, closed after the head timeout; the others still served.
            RawHttp loris = RawHttp.connect("127.0.0.2", port);
            other2.close();
            held.add(loris);
            loris.send("GET /api/status HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                try {
                    loris.send("X");
                    closed = loris.closedWithin(100);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closed).isTrue();
            assertThat(System.nanoTime() - start)
                    .isGreaterThanOrEqualTo(LIMITS.headTimeout().toNanos());
            assertThat(d.guard().slowHeadsClosed()).isEqualTo(1);
            assertThat(other.get("/api/status").status()).isEqualTo(200);

            // A request head past its size is refused.
            assertThat(other.get("/api/status", "X-Filler: " + "a".repeat(LIMITS.requestHeadBytes()))
                            .status())
                    .isEqualTo(431);
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }
}

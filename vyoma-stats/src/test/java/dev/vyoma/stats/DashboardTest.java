package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.store.StatsDb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard over the known-answer chain: the page, its JSON API with the same figures, charts, errors. */
class DashboardTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> get(Dashboard d, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTheReportItsChartsAndClearErrors() throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            Indexer indexer = new Indexer(db, kat.chain.source());
            indexer.catchUp();
            // In bulk here (the known-answer tests store them one by one): the same figures must come out.
            new SnapshotStore(db).insertAll(kat.snapshots());
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            try (Dashboard d = Dashboard.start(q, indexer::height, "127.0.0.1", 0)) {
                String period = "?from=2026-01-03&to=2026-01-04&bucket=day";
                JsonNode report = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/report" + period).body());
                // The figures of the known-answer case, through HTTP.
                assertThat(report.path("metrics")
                                .path("newLeases")
                                .path("value")
                                .asString())
                        .isEqualTo("2");
                assertThat(report.path("metrics")
                                .path("activeLeases")
                                .path("changePct")
                                .asString())
                        .isEqualTo("33.33");
                assertThat(report.path("revenueMicroByDenom").path("uusd").asString())
                        .isEqualTo("500229");

                HttpResponse<byte[]> page = get(d, "/" + period);
                assertThat(page.statusCode()).isEqualTo(200);
                String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(html)
                        .contains("indexed to height 16")
                        .contains("<h2>Last 24 hours</h2>")
                        .contains("<h2>Revenue by denomination</h2>")
                        .contains("<h2>Providers by earnings</h2>")
                        .contains("<h2>Lease durations</h2>")
                        .contains("New leases")
                        .contains("/api/charts/");

                // The last 24 hours: h16 (01-05 00:00) against h12 (01-04 00:00): L4 and L2 closed at h13, L3 open.
                JsonNode day = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/rolling24h").body());
                assertThat(day.path("now").path("height").asLong()).isEqualTo(16);
                assertThat(day.path("then").path("height").asLong()).isEqualTo(12);
                assertThat(day.path("figures").path("activeLeases").path("now").asString())
                        .isEqualTo("1");
                assertThat(day.path("figures").path("activeLeases").path("then").asString())
                        .isEqualTo("3");

                HttpResponse<byte[]> chart = get(d, "/api/charts/new-leases.png" + period);
                assertThat(chart.statusCode()).isEqualTo(200);
                assertThat(chart.headers().firstValue("Content-Type")).contains("image/png");
                assertThat(java.util.Arrays.copyOf(chart.body(), 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});

                // Every chart of the report is on the page and served.
                for (String name : List.of(
                        "cpu.png",
                        "memory.png",
                        "storage.png",
                        "utilisation.png",
                        "revenue-by-denom.png",
                        "cumulative-revenue.png",
                        "gpu-prices.png",
                        "lease-durations.png")) {
                    assertThat(html).contains("/api/charts/" + name);
                    HttpResponse<byte[]> png = get(d, "/api/charts/" + name + period);
                    assertThat(png.statusCode()).as(name).isEqualTo(200);
                    assertThat(java.util.Arrays.copyOf(png.body(), 4))
                            .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
                }

                // Uptime for tenants: every provider, three windows up to the latest poll; one provider; a bad one.
                JsonNode uptime = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/providers/uptime").body());
                assertThat(uptime.path("asOf").asString()).isNotEmpty();
                assertThat(uptime.path("items").size())
                        .isEqualTo(uptime.path("providers").asInt())
                        .isPositive();
                JsonNode first = uptime.path("items").get(0);
                assertThat(first.path("uptimePct").propertyNames()).containsExactly("24h", "7d", "30d");
                JsonNode one = JsonMapper.builder()
                        .build()
                        .readTree(get(
                                        d,
                                        "/api/providers/uptime?provider="
                                                + first.path("provider").asString())
                                .body());
                assertThat(one.path("items").size()).isEqualTo(1);
                assertThat(one.path("items").get(0)).isEqualTo(first);
                HttpResponse<byte[]> badProvider = get(d, "/api/providers/uptime?provider=nobody");
                assertThat(badProvider.statusCode()).isEqualTo(400);
                assertThat(new String(badProvider.body())).contains("not a vyoma address");

                HttpResponse<byte[]> unknown = get(d, "/api/charts/nope.png" + period);
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(new String(unknown.body())).contains("no chart nope.png");
                HttpResponse<byte[]> bad = get(d, "/api/report?from=yesterday&to=2026-01-04");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(new String(bad.body())).contains("cannot read 'yesterday'");
                // From genesis there is nothing to compare with: the report has no previous period.
                JsonNode fromGenesis = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/report?from=h1&to=h16").body());
                assertThat(fromGenesis.has("previous")).isFalse();
                assertThat(fromGenesis
                                .path("metrics")
                                .path("newLeases")
                                .path("value")
                                .asString())
                        .isEqualTo("4");
            }
        }
    }

    @Test
    void theDefaultPeriodEndsAtTheLatestIndexedBlockNotAtTheWallClock() throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Indexer indexer = new Indexer(db, kat.chain.source());
            try (Dashboard d = Dashboard.start(q, indexer::height, "127.0.0.1", 0)) {
                JsonNode noPolls = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/providers/uptime").body());
                assertThat(noPolls.path("asOf").isNull()).isTrue();
                assertThat(noPolls.path("items").isEmpty()).isTrue();
                HttpResponse<byte[]> empty = get(d, "/api/report");
                assertThat(empty.statusCode()).isEqualTo(400);
                assertThat(new String(empty.body())).contains("nothing is indexed yet");

                indexer.catchUp();
                JsonNode report = JsonMapper.builder()
                        .build()
                        .readTree(get(d, "/api/report").body());
                // The latest block, h16, is at 2026-01-05T00:00Z (whatever the clock says): the 30 days up to that
                // day are 2025-12-07..2026-01-05, and the period ends just after h16, so it holds every lease.
                assertThat(report.path("period").path("start").asString()).isEqualTo("2025-12-07T00:00:00Z");
                assertThat(report.path("period").path("end").asString()).isEqualTo("2026-01-05T00:00:00.001Z");
                assertThat(report.path("period").path("fromHeight").asLong()).isEqualTo(1);
                assertThat(report.path("period").path("toHeight").asLong()).isEqualTo(16);
                // L1, L2, L3, L4.
                assertThat(report.path("metrics")
                                .path("newLeases")
                                .path("value")
                                .asString())
                        .isEqualTo("4");
                // The 30 days before: nothing indexed then.
                assertThat(report.path("previous").path("start").asString()).isEqualTo("2025-11-07T00:00:00Z");
            }
        }
    }
}

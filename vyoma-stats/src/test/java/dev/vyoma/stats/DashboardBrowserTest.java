package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real browser (headless Chromium) over the known-answer chain indexed into DuckDB: every chart
 * loads at its size, each figure the page shows is the one its JSON API gives, the browser logs no error, and a
 * full-page screenshot is kept in {@code target/browser/dashboard.png} (the one in docs/examples comes from it).
 */
class DashboardBrowserTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Every table of the page as the browser shows it: its heading (the h2 before it) and its cells' text. */
    private static final String TABLES = "return Array.from(document.querySelectorAll('table')).map(t => {"
            + " const h = t.previousElementSibling;"
            + " return {title: h && h.tagName === 'H2' ? h.innerText : '',"
            + " rows: Array.from(t.rows).slice(1).map(r => Array.from(r.cells).map(c => c.innerText))}; })";

    @Test
    void showsEveryChartAndTheFiguresOfItsApi(@TempDir Path tmp) throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            Indexer indexer = new Indexer(db, kat.chain.source());
            indexer.catchUp();
            new SnapshotStore(db).insertAll(kat.snapshots());
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            try (Dashboard d = Dashboard.start(q, indexer::height, "127.0.0.1", 0);
                    Browser browser = Browser.start(tmp.resolve("profile"))) {
                String base = "http://127.0.0.1:" + d.port();
                // The whole chain (2026-01-01..04) by the hour: every lease, bid and capacity snapshot is in it.
                String period = "?from=2026-01-01&to=2026-01-04&bucket=hour";
                JsonNode report = api(base + "/api/report" + period);
                JsonNode day = api(base + "/api/rolling24h");

                ChromeDriver web = browser.driver();
                web.get(base + "/" + period);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> (Boolean) web.executeScript("return document.images.length > 0"
                                + " && Array.from(document.images).every(i => i.complete)"));

                assertThat(web.findElement(By.tagName("h1")).getText())
                        .isEqualTo("Vyoma network (indexed to height 16)");
                charts(web, report);
                Map<String, List<List<String>>> tables = tables(web);
                summary(tables.get(""), report);
                revenue(tables.get("Revenue by denomination"), report);
                gpus(tables.get("GPUs by model"), report);
                gpuPrices(tables.get("GPU prices by model"), report);
                providers(tables.get("Providers by earnings"), report);
                durations(tables.get("Lease durations"), report);
                lastDay(tables.get("Last 24 hours"), day);

                List<String> errors = new ArrayList<>();
                for (LogEntry e : web.manage().logs().get(LogType.BROWSER)) {
                    if (e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                        errors.add(e.toString());
                    }
                }
                assertThat(errors).as("the browser's console").isEmpty();

                Path shot = Path.of("target", "browser", "dashboard.png");
                Files.createDirectories(shot.getParent());
                Map<String, Object> png = web.executeCdpCommand(
                        "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
                Files.write(shot, Base64.getDecoder().decode((String) png.get("data")));
                assertThat(Files.size(shot)).isGreaterThan(10_000);
            }
        }
    }

    /** Each chart of the list is on the page, loaded at the size it is drawn, and its series has data. */
    private static void charts(ChromeDriver web, JsonNode report) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> images = (List<Map<String, Object>>)
                web.executeScript("return Array.from(document.images).map(i => ({src: i.getAttribute('src'),"
                        + " width: i.naturalWidth, height: i.naturalHeight}))");
        List<String> names = new ArrayList<>();
        for (Map<String, Object> img : images) {
            String src = (String) img.get("src");
            names.add(src.substring("/api/charts/".length(), src.indexOf('?')));
            assertThat(((Number) img.get("width")).intValue()).as(src).isEqualTo(Charts.WIDTH);
            assertThat(((Number) img.get("height")).intValue()).as(src).isEqualTo(Charts.HEIGHT);
        }
        assertThat(names)
                .contains(
                        "cpu.png",
                        "memory.png",
                        "storage.png",
                        "utilisation.png",
                        "revenue-by-denom.png",
                        "cumulative-revenue.png",
                        "gpu-prices.png",
                        "lease-durations.png",
                        "new-leases.png");
        // The series the charts draw have points: capacity for some hours, revenue, leases.
        int withCapacity = 0;
        long newLeases = 0;
        for (JsonNode b : report.path("series")) {
            withCapacity += b.path("capacityData").asBoolean() ? 1 : 0;
            newLeases += b.path("newLeases").asLong();
        }
        assertThat(withCapacity).isGreaterThan(1);
        assertThat(newLeases).isEqualTo(4);
    }

    /** The summary: each metric's period value and first → last, as the API gives them to the shown places. */
    private static void summary(List<List<String>> rows, JsonNode report) {
        Map<String, JsonNode> byTitle = new LinkedHashMap<>();
        for (JsonNode m : report.path("metrics")) {
            byTitle.put(m.path("title").asString(), m);
        }
        assertThat(rows).hasSize(byTitle.size());
        for (List<String> row : rows) {
            JsonNode m = byTitle.get(row.get(0));
            assertThat(m).as(row.get(0)).isNotNull();
            assertThat(row.get(1)).isEqualTo(m.path("unit").asString());
            shown(row.get(2), m.path("value").asString(), m.path("unit").asString());
            if (!row.get(3).isEmpty()) {
                String[] firstLast = row.get(3).split(" → ");
                shown(firstLast[0], m.path("first").asString(), m.path("unit").asString());
                shown(firstLast[1], m.path("last").asString(), m.path("unit").asString());
            }
        }
        assertThat(cell(rows, "New leases", 2)).isEqualTo("4");
        assertThat(cell(rows, "Leases since genesis", 2)).isEqualTo("4");
    }

    private static void revenue(List<List<String>> rows, JsonNode report) {
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0)).isEqualTo("uusd");
        assertThat(rows.get(0).get(1))
                .isEqualTo(report.path("revenueMicroByDenom").path("uusd").asString());
        shown(rows.get(0).get(2), report.path("revenueUsdByDenom").path("uusd").asString(), "USD");
        assertThat(rows.get(0).get(3))
                .isEqualTo(report.path("sinceGenesis")
                        .path("revenueMicroByDenom")
                        .path("uusd")
                        .asString());
    }

    private static void gpus(List<List<String>> rows, JsonNode report) {
        assertThat(rows).hasSize(report.path("gpusByModel").size());
        for (List<String> row : rows) {
            JsonNode g = report.path("gpusByModel").path(row.get(0));
            shown(row.get(1), g.path("capacity").asString(), "GPUs");
            shown(row.get(2), g.path("inUse").asString(), "GPUs");
            shown(row.get(4), g.path("utilizationLeasedPct").asString(), "%");
        }
    }

    private static void gpuPrices(List<List<String>> rows, JsonNode report) {
        JsonNode models = report.path("gpuPrices").path("models");
        assertThat(rows).hasSize(models.size()).isNotEmpty();
        for (List<String> row : rows) {
            JsonNode bids = models.path(row.get(0)).path("bids");
            JsonNode leases = models.path(row.get(0)).path("leases");
            assertThat(row.get(1))
                    .isEqualTo(bids.path("count").asLong() + " ("
                            + bids.path("providers").asLong() + ")");
            String[] hourly = row.get(2).split(" – ");
            shown(hourly[0], bids.path("minUsdPerHour").asString(), "USD");
            shown(hourly[1], bids.path("medianUsdPerHour").asString(), "USD");
            shown(hourly[2], bids.path("maxUsdPerHour").asString(), "USD");
            assertThat(row.get(4))
                    .isEqualTo(leases.path("count").asLong() + " ("
                            + leases.path("providers").asLong() + ")");
        }
    }

    private static void providers(List<List<String>> rows, JsonNode report) {
        JsonNode api = report.path("providers").path("rows");
        assertThat(rows).hasSize(api.size()).hasSize(2);
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            JsonNode p = api.get(i);
            assertThat(row.get(0)).isEqualTo(String.valueOf(p.path("rank").asLong()));
            assertThat(row.get(1))
                    .startsWith(URI.create(p.path("hostUri").asString()).getHost());
            shown(row.get(2), p.path("earningsUsd").asString(), "USD");
            assertThat(row.get(3))
                    .isEqualTo(String.valueOf(p.path("activeLeases").asLong()));
            shown(row.get(6), p.path("uptimePct").path("1d").asString(), "%");
            shown(row.get(7), p.path("uptimePct").path("7d").asString(), "%");
            shown(row.get(8), p.path("uptimePct").path("30d").asString(), "%");
        }
    }

    private static void durations(List<List<String>> rows, JsonNode report) {
        JsonNode bins = report.path("leaseDurations").path("bins");
        assertThat(rows).hasSize(bins.size());
        for (List<String> row : rows) {
            assertThat(row.get(1))
                    .as(row.get(0))
                    .isEqualTo(String.valueOf(bins.path(row.get(0)).asLong()));
        }
        assertThat(report.path("leaseDurations").path("closed").asLong()).isEqualTo(3);
    }

    private static void lastDay(List<List<String>> rows, JsonNode day) {
        Map<String, JsonNode> byTitle = new LinkedHashMap<>();
        for (JsonNode f : day.path("figures")) {
            byTitle.put(f.path("title").asString(), f);
        }
        assertThat(rows).hasSize(byTitle.size());
        for (List<String> row : rows) {
            JsonNode f = byTitle.get(row.get(0).replace(" (24 h)", ""));
            assertThat(f).as(row.get(0)).isNotNull();
            shown(row.get(2), f.path("now").asString(), f.path("unit").asString());
            shown(row.get(3), f.path("then").asString(), f.path("unit").asString());
        }
        assertThat(cell(rows, "Daily active leases", 2)).isEqualTo("1");
        assertThat(cell(rows, "Daily active leases", 3)).isEqualTo("3");
    }

    /** A figure as shown ("1,234.50", "77.14 GiB", "n/a") is the API's exact value at the shown places. */
    private static void shown(String cell, String exact, String unit) {
        if (cell.equals("n/a")) {
            assertThat(exact).as(cell).isIn("null", "");
            return;
        }
        BigDecimal api = new BigDecimal(exact);
        String digits = cell.replace(",", "").replace("%", "");
        if (unit.equals("bytes")) {
            assertThat(digits).endsWith(" GiB");
            digits = digits.substring(0, digits.length() - " GiB".length());
            api = api.divide(BigDecimal.valueOf(1L << 30), 10, RoundingMode.HALF_EVEN);
        }
        BigDecimal page = new BigDecimal(digits);
        assertThat(page.scale()).as(cell).isLessThanOrEqualTo(2);
        assertThat(page).as(cell + " against " + exact).isEqualTo(api.setScale(page.scale(), RoundingMode.HALF_EVEN));
    }

    private static String cell(List<List<String>> rows, String first, int column) {
        return rows.stream()
                .filter(r -> r.get(0).startsWith(first))
                .findFirst()
                .orElseThrow()
                .get(column);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<List<String>>> tables(ChromeDriver web) {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) web.executeScript(TABLES)) {
            out.put((String) t.get("title"), (List<List<String>>) t.get("rows"));
        }
        assertThat(out)
                .containsKeys(
                        "",
                        "Last 24 hours",
                        "Revenue by denomination",
                        "GPUs by model",
                        "GPU prices by model",
                        "Providers by earnings",
                        "Lease durations");
        return out;
    }

    private static JsonNode api(String url) throws Exception {
        HttpResponse<String> r =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}

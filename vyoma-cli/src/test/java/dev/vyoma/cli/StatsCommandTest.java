package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code vyoma stats report} over a small indexed chain: one lease created on each of 2025-10-01, 2025-11-15 and
 * 2026-01-30 (UTC), so 2026-Q1 holds 1 lease, 2025-Q4 2, and the 90 days before 2026-Q1 (from 2025-10-03) only 1.
 */
class StatsCommandTest {
    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static String db;

    record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static long at(String date) {
        return Instant.parse(date + "T00:00:00Z").toEpochMilli();
    }

    @BeforeAll
    static void index() throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-cli-stats",
                at("2025-09-30"),
                List.of("tenant", "prov"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        c.createProvider("prov", "https://prov.example.com:8443");
        c.block(at("2025-09-30") + HOUR);
        long dseq = 0;
        for (String day : List.of("2025-10-01", "2025-11-15", "2026-01-30")) {
            DeploymentId d = c.createDeployment(
                    "tenant", ++dseq, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "10"), 500_000);
            BidId bid = c.bid("prov", d, 1, 1, "1");
            c.block(at(day) + 10 * HOUR);
            c.tx("tenant", new Msg.CreateLease(bid));
            c.block(at(day) + 11 * HOUR);
        }
        c.block(at("2026-04-02"));
        db = "duckdb:" + dir.resolve("stats.duckdb");
        try (StatsDb stats = StatsDb.open(db)) {
            new Indexer(stats, c.source()).catchUp();
        }
    }

    private static JsonNode report(String... args) throws Exception {
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"stats", "report", "--db", db, "-o", "json"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        Run r = run(all);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void aNamedQuarterIsComparedWithTheQuarterBefore() throws Exception {
        JsonNode r = report("--period", "2026-Q1");
        assertThat(r.path("period").path("name").asString()).isEqualTo("2026-Q1");
        assertThat(r.path("previous").path("name").asString()).isEqualTo("2025-Q4");
        assertThat(r.path("previous").path("start").asString()).isEqualTo("2025-10-01T00:00:00Z");
        JsonNode leases = r.path("metrics").path("newLeases");
        // 1 against 2: (1 − 2) / 2 = −50 %.
        assertThat(leases.path("value").asString()).isEqualTo("1");
        assertThat(leases.path("previous").asString()).isEqualTo("2");
        assertThat(leases.path("changePct").asString()).isEqualTo("-50.00");
        // The same quarter by dates, compared the same way.
        assertThat(report("--from", "2026-01-01", "--to", "2026-03-31")
                        .path("metrics")
                        .path("newLeases")
                        .path("previous")
                        .asString())
                .isEqualTo("2");
    }

    @Test
    void anExplicitComparisonPeriod() throws Exception {
        JsonNode r = report("--period", "2026-Q1", "--compare", "2025-11");
        assertThat(r.path("previous").path("name").asString()).isEqualTo("2025-11");
        assertThat(r.path("metrics").path("newLeases").path("changePct").asString())
                .isEqualTo("0.00");
        JsonNode byDates = report("--period", "2026-01-01..2026-01-31", "--compare", "2025-10-01..2025-10-31");
        assertThat(byDates.path("metrics").path("newLeases").path("previous").asString())
                .isEqualTo("1");
    }

    @Test
    void theQuarterlyTemplateIsMarkdownWithTheQuarterAgainstTheOneBefore() throws Exception {
        Path charts = dir.resolve("quarterly-charts");
        Run r = run(
                "stats",
                "report",
                "--db",
                db,
                "--period",
                "2026-Q1",
                "--compare",
                "2025-Q4",
                "--template",
                "quarterly",
                "--network",
                "test network",
                "--charts",
                charts.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("# State of the test network: 2026-Q1\n")
                .contains("## Headline")
                .contains("| Figure | 2026-Q1 | First → last | 2025-Q4 | First → last | Change |")
                // 1 lease against 2.
                .contains("| New leases | 1 |  | 2 |  | -50.00% |")
                .contains("## GPU supply and demand")
                .contains("## Revenue")
                .contains("## Providers")
                .contains("## Leases")
                .contains("## Definitions")
                .contains("![gpus.png](gpus.png)");
        assertThat(charts.resolve("gpu-prices.png")).exists();
    }

    /** A small scenario: a week, five providers (one joining), a few leases a day. */
    static final String SMALL_SCENARIO = """
            format: vyoma-stats-scenario/1
            name: small-week
            start: 2025-03-25
            end: 2025-03-31
            seed: 7
            blockMinutes: 60
            pollMinutes: 60
            pollFailure: 0.01
            providers:
              initial: 4
              gpuProviders: 2
              joins: [2025-03-28]
              cpuCores: [32, 64]
              memory: [64Gi, 128Gi]
              storage: [1Ti, 2Ti]
              outages: [{provider: 3, from: 2025-03-26T10:00:00Z, hours: 5}]
            gpuModels:
              - {model: h100, share: 0.5, usdPerHour: [1.5, 2.0]}
              - {model: rtx4090, share: 0.5, usdPerHour: [0.3, 0.4]}
            paths:
              gpuCapacity: {2025-03-25: 16, 2025-03-31: 24}
              gpusInUse: {2025-03-25: 4, 2025-03-31: 10}
              newLeasesPerDay: {2025-03-25: 30}
              cpuLeaseMedianHours: {2025-03-25: 12}
            gpuLeases: {gpus: {1: 0.7, 2: 0.3}, medianHours: 24, sigma: 0.5, bidders: 2}
            cpuLeases:
              sigma: 1.0
              shapes: [{cpu: 1, memory: 1Gi, storage: 5Gi, usdPerHour: 0.02, share: 1}]
            maxLeaseDays: 10
            tenants: 3
            minDepositUsd: 0.01
            """;

    @Test
    void aScenarioIsGeneratedIntoAFreshDatabaseOnly() throws Exception {
        Path file = dir.resolve("small.yaml");
        java.nio.file.Files.writeString(file, SMALL_SCENARIO);
        String fresh = "duckdb:" + dir.resolve("scenario.duckdb");
        Run r = run("stats", "scenario", file.toString(), "--db", fresh, "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.path("scenario").asString()).isEqualTo("small-week");
        // 7 days of hourly blocks.
        assertThat(out.path("blocks").asLong()).isEqualTo(7 * 24);
        assertThat(out.path("leases").asLong()).isPositive();
        // 4 providers polled hourly for 7 days, and the fifth from 03-28 (4 days).
        assertThat(out.path("statusPolls").asLong()).isEqualTo(4 * 7 * 24 + 4 * 24);
        Run report = run("stats", "report", "--db", fresh, "--period", "2025-03-25..2025-03-31", "-o", "json");
        assertThat(report.exitCode()).as(report.err()).isZero();
        JsonNode providers = JSON.readTree(report.out()).path("metrics").path("activeProviders");
        assertThat(providers.path("first").asString()).isEqualTo("4");
        assertThat(providers.path("last").asString()).isEqualTo("5");

        Run again = run("stats", "scenario", file.toString(), "--db", fresh);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("already holds a chain").doesNotContain("Exception");
        java.nio.file.Files.writeString(file, SMALL_SCENARIO.replace("tenants: 3", "tenant: 3"));
        Run bad = run("stats", "scenario", file.toString(), "--db", "duckdb:" + dir.resolve("other.duckdb"));
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("tenant is not a field here").doesNotContain("Exception");
    }

    @Test
    void badOptionsAreOneLineErrors() {
        Run template = run("stats", "report", "--db", db, "--period", "2026-Q1", "--template", "yearly");
        assertThat(template.exitCode()).isNotZero();
        assertThat(template.err()).contains("--template is quarterly").doesNotContain("Exception");
        Run json = run(
                "stats", "report", "--db", db, "--period", "2026-Q1", "--template", "quarterly", "--format", "json");
        assertThat(json.err()).contains("--template quarterly writes markdown");
        Run both = run("stats", "report", "--db", db, "--period", "2026-Q1", "--from", "2026-01-01");
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("not both").doesNotContain("Exception");
        Run quarter = run("stats", "report", "--db", db, "--period", "2026-Q5");
        assertThat(quarter.err()).contains("Q1 to Q4");
        Run compare = run("stats", "report", "--db", db, "--period", "2026-Q1", "--compare", "last-year");
        assertThat(compare.err()).contains("--compare: cannot read the period 'last-year'");
        Run none = run("stats", "report", "--db", db);
        assertThat(none.err()).contains("--period");
        Run price = run("stats", "report", "--db", db, "--period", "2026-Q1", "--missing-price", "previous");
        assertThat(price.exitCode()).isNotZero();
        assertThat(price.err()).contains("--missing-price is zero").doesNotContain("Exception");
        for (String blocks : List.of("0", "-5", "10000001")) {
            Run bench = run("stats", "bench", "--over-node", blocks);
            assertThat(bench.exitCode()).as(blocks).isNotZero();
            assertThat(bench.err()).as(blocks).contains("--over-node is a number of blocks");
        }
        Run interval = run("stats", "bench", "--over-node", "10", "--block-interval", "soon");
        assertThat(interval.err()).contains("--block-interval is a duration");
    }

    @Test
    void theBenchOverANodeIndexesTheSameRowsPerBlockAndInRanges() throws Exception {
        Run r = run("stats", "bench", "--over-node", "40", "--block-interval", "20ms", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.path("blocks").asLong()).isEqualTo(40);
        assertThat(out.path("perBlockSeconds").asDouble()).isPositive();
        assertThat(out.path("rangeSeconds").asDouble()).isPositive();
        assertThat(out.has("speedup")).isTrue();
        assertThat(out.has("loadAverage")).isTrue();
    }
}

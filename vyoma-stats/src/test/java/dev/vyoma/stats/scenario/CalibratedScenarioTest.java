package dev.vyoma.stats.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The calibrated scenario examples/scenarios/akash-2024q4-2025q1.yaml, generated through the real ledger and
 * indexed, reported as 2025-Q1 against 2024-Q4: each published figure is met within 20%.
 */
class CalibratedScenarioTest {
    /** How far a figure may be from the published one. */
    static final double TOLERANCE = 0.20;

    @Test
    void theReportMeetsThePublishedFiguresWithinTwentyPercent() throws Exception {
        Path file = Path.of("../examples/scenarios/akash-2024q4-2025q1.yaml");
        ScenarioSpec spec = ScenarioSpec.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            long t0 = System.nanoTime();
            CalibratedScenario.Result run = CalibratedScenario.run(spec, db);
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2025-Q1"), PeriodSpec.parse("2024-Q4"), Duration.ofDays(1));
            System.out.printf(
                    "calibrated scenario: %s; generated, indexed and reported in %.1f s%n",
                    run, (System.nanoTime() - t0) / 1e9);
            PeriodMetrics q1 = r.current();
            PeriodMetrics q4 = r.previous();
            near(q4.value(Metric.NEW_LEASES), 61_000, "2024-Q4 new leases");
            near(q4.value(Metric.ACTIVE_PROVIDERS), 67, "2024-Q4 providers");
            near(q1.value(Metric.NEW_LEASES), 46_000, "2025-Q1 new leases");
            near(r.changePct().get(Metric.NEW_LEASES), -24, "new leases, change");
            near(q1.first(Metric.GPUS_IN_USE), 359, "GPUs in use, first day");
            near(q1.last(Metric.GPUS_IN_USE), 553, "GPUs in use, last day");
            near(q1.first(Metric.GPU_CAPACITY), 577, "GPU capacity, first day");
            near(q1.last(Metric.GPU_CAPACITY), 897, "GPU capacity, last day");
            near(q1.first(Metric.ACTIVE_PROVIDERS), 67, "providers, first day");
            near(q1.last(Metric.ACTIVE_PROVIDERS), 69, "providers, last day");
            assertThat(q1.value(Metric.REVENUE_USD)).as("revenue over $1M").isGreaterThan(new BigDecimal(1_000_000));
            near(r.changePct().get(Metric.REVENUE_USD), 38, "revenue, change");
        }
    }

    private static void near(BigDecimal actual, double published, String what) {
        assertThat(actual).as(what).isNotNull();
        double off = Math.abs(actual.doubleValue() - published) / Math.abs(published);
        assertThat(off).as(what + ": " + actual + " against " + published).isLessThanOrEqualTo(TOLERANCE);
    }
}

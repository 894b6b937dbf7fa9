package dev.vyoma.stats.metrics;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's last 24 hours, as Akash's dashboard shows them: "now" is the latest indexed block, "then" the
 * last block at or before 24 hours earlier. Sums (new leases, revenue) are over the 24 hours up to now, against the
 * 24 hours before those; point-in-time figures (active leases, resources leased, providers and capacity, totals
 * since genesis) are read now and then. Both windows are cut in hours, so what they hold is what a report of those
 * hours holds.
 */
public record Rolling24h(long nowHeight, long nowMillis, long thenHeight, long thenMillis, List<Row> rows) {
    /** The window. */
    public static final Duration WINDOW = Duration.ofHours(24);

    /** The figures shown, in order. */
    public static final List<Metric> METRICS = List.of(
            Metric.NEW_LEASES,
            Metric.REVENUE_USD,
            Metric.ACTIVE_LEASES,
            Metric.GPUS_LEASED,
            Metric.CPU_LEASED,
            Metric.MEMORY_LEASED,
            Metric.STORAGE_LEASED,
            Metric.ACTIVE_PROVIDERS,
            Metric.GPU_CAPACITY,
            Metric.GPUS_IN_USE,
            Metric.GPU_UTILIZATION_LEASED_OR_RESERVED,
            Metric.TOTAL_LEASES,
            Metric.TOTAL_REVENUE_USD);

    /**
     * One figure now and then (null where unknown: capacity without a status answer in the grace period), and the
     * change in percent (null when then is 0 or unknown). For sums, now is the last 24 hours and then the 24 before.
     */
    public record Row(Metric metric, BigDecimal now, BigDecimal then, BigDecimal changePct) {}

    /** The last 24 hours of the indexed chain; an error saying so when nothing is indexed yet. */
    public static Rolling24h of(MetricsQuery q) throws SQLException {
        long now = q.latestBlockMillis()
                .orElseThrow(() -> new IllegalArgumentException("nothing is indexed yet: run vyoma stats index first"));
        long w = WINDOW.toMillis();
        // (now − 24 h, now] and (now − 48 h, now − 24 h]: periods are [start, end) in milliseconds.
        PeriodMetrics cur = window(q, now - w + 1, now + 1);
        PeriodMetrics before = window(q, now - 2 * w + 1, now - w + 1);
        List<Row> rows = new ArrayList<>();
        for (Metric m : METRICS) {
            BigDecimal a = at(cur, m);
            BigDecimal b = at(before, m);
            rows.add(new Row(m, a, b, Report.change(a, b)));
        }
        return new Rolling24h(cur.period().toHeight(), now, before.period().toHeight(), now - w, List.copyOf(rows));
    }

    private static PeriodMetrics window(MetricsQuery q, long start, long end) throws SQLException {
        return q.compute(q.resolve(new PeriodSpec.ByTime(start, end)), Duration.ofHours(1));
    }

    /** A sum over the window, or a point-in-time figure at its last block. */
    private static BigDecimal at(PeriodMetrics p, Metric m) {
        if (m.aggregation() == Metric.Aggregation.SUM) {
            return p.value(m);
        }
        List<PeriodMetrics.Bucket> b = p.buckets();
        return b.get(b.size() - 1).value(m);
    }
}

package dev.vyoma.stats.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * A "State of the network" report: every metric for a period, for the previous period (when compared), and the
 * change in percent, {@code 100 × (current − previous) / previous} to 2 places (none when the previous is 0).
 */
public record Report(
        PeriodMetrics current, PeriodMetrics previous, Map<Metric, BigDecimal> changePct, Duration bucket) {
    /** Computes the report for {@code spec}, compared with {@code compare} (null: no comparison). */
    public static Report of(MetricsQuery q, PeriodSpec spec, PeriodSpec compare, Duration bucket) throws SQLException {
        PeriodMetrics.Period p = q.resolve(spec);
        Duration size = MetricsQuery.bucketFor(p, bucket);
        PeriodMetrics cur = q.compute(p, size);
        PeriodMetrics prev = null;
        if (compare != null) {
            prev = q.compute(q.resolve(compare), size);
        }
        Map<Metric, BigDecimal> change = new EnumMap<>(Metric.class);
        if (prev != null) {
            for (Metric m : Metric.values()) {
                BigDecimal c = change(cur.value(m), prev.value(m));
                if (c != null) {
                    change.put(m, c);
                }
            }
        }
        return new Report(cur, prev, change, size);
    }

    /** {@code 100 × (current − previous) / previous} to 2 places, half-even; null when either is missing or 0. */
    public static BigDecimal change(BigDecimal current, BigDecimal previous) {
        if (current == null || previous == null || previous.signum() == 0) {
            return null;
        }
        return current.subtract(previous).multiply(BigDecimal.valueOf(100)).divide(previous, 2, RoundingMode.HALF_EVEN);
    }
}

package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the leases closed in a period ran (as Akash's {@code /v1/leases-duration}: leases whose closing block is
 * in the period; a lease ran from its creating block's time to its closing block's): how many, in hours the mean,
 * the median (the mean of the two middle ones for an even count) and the 90th percentile (nearest rank: the
 * smallest duration at least 90% of them do not exceed), and how many fall in each of {@link #BINS}.
 */
public record LeaseDurations(
        long count, BigDecimal meanHours, BigDecimal medianHours, BigDecimal p90Hours, List<Long> binCounts) {
    /** A bin of durations {@code [from, to)} ({@code to} null: no upper end), named for people, and in short. */
    public record Bin(String name, String shortName, Duration from, Duration to) {}

    /** The bins, in order. */
    public static final List<Bin> BINS = List.of(
            new Bin("under 1 hour", "< 1 h", Duration.ZERO, Duration.ofHours(1)),
            new Bin("1 hour to 1 day", "1 h – 1 d", Duration.ofHours(1), Duration.ofDays(1)),
            new Bin("1 to 7 days", "1 – 7 d", Duration.ofDays(1), Duration.ofDays(7)),
            new Bin("7 to 30 days", "7 – 30 d", Duration.ofDays(7), Duration.ofDays(30)),
            new Bin("30 to 90 days", "30 – 90 d", Duration.ofDays(30), Duration.ofDays(90)),
            new Bin("90 days or more", "≥ 90 d", Duration.ofDays(90), null));

    private static final long HOUR_MS = 3_600_000L;

    static LeaseDurations compute(Connection c, Period p) throws SQLException {
        String durations = "SELECT closed_ms - created_ms AS d FROM lease WHERE closed_height BETWEEN " + p.fromHeight()
                + " AND " + p.toHeight();
        StringBuilder sql = new StringBuilder("SELECT COUNT(*), COALESCE(SUM(d), 0)");
        for (Bin b : BINS) {
            sql.append(", COALESCE(SUM(CASE WHEN d >= ")
                    .append(b.from().toMillis())
                    .append(b.to() == null ? "" : " AND d < " + b.to().toMillis())
                    .append(" THEN 1 ELSE 0 END), 0)");
        }
        sql.append(" FROM (").append(durations).append(") x");
        long n;
        long sum;
        List<Long> bins = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql.toString())) {
            r.next();
            n = r.getLong(1);
            sum = r.getLong(2);
            for (int i = 0; i < BINS.size(); i++) {
                bins.add(r.getLong(3 + i));
            }
        }
        if (n == 0) {
            return new LeaseDurations(0, null, null, null, List.copyOf(bins));
        }
        // The ranks needed (from 1): the middle one or two, and the nearest rank of the 90th percentile,
        // ceil(0.9 n), read in one sort.
        long lo = (n + 1) / 2;
        long hiRank = n / 2 + 1;
        long p90Rank = (9 * n + 9) / 10;
        java.util.Map<Long, Long> at = new java.util.HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT rn, d FROM (SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS rn FROM ("
                        + durations + ") x) y WHERE rn IN (" + lo + ", " + hiRank + ", " + p90Rank + ")")) {
            while (r.next()) {
                at.put(r.getLong(1), r.getLong(2));
            }
        }
        BigDecimal median = n % 2 == 1
                ? hours(BigDecimal.valueOf(at.get(lo)))
                : hours(BigDecimal.valueOf(at.get(lo))
                        .add(BigDecimal.valueOf(at.get(hiRank)))
                        .divide(BigDecimal.valueOf(2)));
        BigDecimal p90 = hours(BigDecimal.valueOf(at.get(p90Rank)));
        BigDecimal mean = hours(BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(n), 3, RoundingMode.HALF_EVEN));
        return new LeaseDurations(n, mean, median, p90, List.copyOf(bins));
    }

    private static BigDecimal hours(BigDecimal millis) {
        return MetricsQuery.plain(
                millis.divide(BigDecimal.valueOf(HOUR_MS), MetricsQuery.SCALE, RoundingMode.HALF_EVEN));
    }
}

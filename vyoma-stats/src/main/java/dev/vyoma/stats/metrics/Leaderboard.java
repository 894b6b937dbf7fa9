package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The providers of a period, ranked by what they earned: lease revenue accrued to each in the period (as {@link
 * Metric#REVENUE_USD}, each day at its price), its leases open and the GPUs they hold at the period's last block, the
 * GPUs its last status answer offered and had allocated, and its uptime over the 1, 7 and 30 days up to the period's
 * end: the share of its status polls in the window that it answered. {@code providers} counts every provider
 * ranked; {@code rows} holds the first {@link #MAX_ROWS}.
 */
public record Leaderboard(int providers, List<Row> rows) {
    /** Most rows kept (the rest are counted in {@code providers}). */
    public static final int MAX_ROWS = 100;

    /** The uptime windows, each ending at the period's end. */
    public static final List<Duration> UPTIME_WINDOWS = ProviderUptime.WINDOWS;

    /** Nobody ranked. */
    public static final Leaderboard NONE = new Leaderboard(0, List.of());

    /**
     * One provider: rank (from 1), address and present host, earnings in USD and per denomination (micro-units),
     * leases open and GPUs they hold at the period's end (on chain), GPUs offered and allocated in its last status
     * answer in the grace period before the end (null without one), and uptime in percent per window of {@link
     * #UPTIME_WINDOWS} (null when it was not polled in the window).
     */
    public record Row(
            int rank,
            String provider,
            String hostUri,
            BigDecimal earningsUsd,
            SortedMap<String, BigDecimal> earningsMicroByDenom,
            long activeLeases,
            long gpusLeased,
            Long gpuCapacity,
            Long gpusAllocated,
            List<BigDecimal> uptimePct) {}

    /** A provider's earnings in the period: USD and micro-units per denomination. */
    record Earnings(BigDecimal usd, SortedMap<String, BigDecimal> microByDenom) {
        static Earnings none() {
            return new Earnings(BigDecimal.ZERO, new TreeMap<>());
        }

        Earnings plus(String denom, BigDecimal micro, BigDecimal usdOrNull) {
            SortedMap<String, BigDecimal> m = new TreeMap<>(microByDenom);
            m.merge(denom, micro, BigDecimal::add);
            return new Earnings(usdOrNull == null ? usd : usd.add(usdOrNull), m);
        }
    }

    /**
     * The leaderboard of period {@code p}: the providers registered at some block of it or that earned in it; {@code
     * statusEnd} is where status answers stop counting (the period's end, later at the indexed tip), {@code grace}
     * how far before it a status answer counts, {@code limit} how many rows to keep.
     */
    static Leaderboard compute(
            Connection c, Period p, Map<String, Earnings> earnings, long statusEnd, Duration grace, int limit)
            throws SQLException {
        TreeSet<String> providers = new TreeSet<>(earnings.keySet());
        Map<String, String> hosts = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT DISTINCT r.owner, COALESCE(p.host_uri, '') FROM provider_registration r"
                                + " LEFT JOIN provider p ON p.owner = r.owner WHERE r.created_height <= " + p.toHeight()
                                + " AND (r.deleted_height IS NULL OR r.deleted_height > " + p.fromHeight() + ")")) {
            while (r.next()) {
                providers.add(r.getString(1));
                hosts.put(r.getString(1), r.getString(2));
            }
        }
        Map<String, long[]> open = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT provider, COUNT(*), SUM(gpu_units) FROM lease WHERE created_height <= "
                                + p.toHeight() + " AND (closed_height IS NULL OR closed_height > " + p.toHeight()
                                + ") GROUP BY provider")) {
            while (r.next()) {
                open.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
            }
        }
        // Each provider's last successful status in the grace period before the end, and its GPUs.
        Map<String, long[]> gpus = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("WITH last AS (SELECT provider, MAX(time_ms) AS t FROM provider_snapshot"
                        + " WHERE ok AND time_ms >= " + (statusEnd - grace.toMillis()) + " AND time_ms < " + statusEnd
                        + " GROUP BY provider)"
                        + " SELECT last.provider, COALESCE(SUM(g.allocatable), 0), COALESCE(SUM(g.allocated), 0)"
                        + " FROM last LEFT JOIN provider_snapshot_gpu g ON g.provider = last.provider AND g.time_ms = last.t"
                        + " GROUP BY last.provider")) {
            while (r.next()) {
                gpus.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
            }
        }
        List<Map<String, BigDecimal>> uptime = new ArrayList<>();
        for (Map<String, long[]> counts : ProviderUptime.counts(c, statusEnd)) {
            Map<String, BigDecimal> u = new HashMap<>();
            counts.forEach((provider, n) -> {
                u.put(provider, MetricsQuery.percent(n[1], n[0]));
                providers.add(provider);
            });
            uptime.add(u);
        }
        List<Row> rows = new ArrayList<>();
        for (String provider : providers) {
            Earnings e = earnings.getOrDefault(provider, Earnings.none());
            long[] o = open.getOrDefault(provider, new long[2]);
            long[] g = gpus.get(provider);
            List<BigDecimal> up = new ArrayList<>();
            for (Map<String, BigDecimal> u : uptime) {
                up.add(u.get(provider));
            }
            SortedMap<String, BigDecimal> micro = new TreeMap<>();
            e.microByDenom().forEach((d, v) -> micro.put(d, MetricsQuery.plain(v)));
            rows.add(new Row(
                    0,
                    provider,
                    hosts.getOrDefault(provider, ""),
                    MetricsQuery.plain(e.usd()),
                    micro,
                    o[0],
                    o[1],
                    g == null ? null : g[0],
                    g == null ? null : g[1],
                    java.util.Collections.unmodifiableList(up)));
        }
        return rank(rows, limit);
    }

    /**
     * Ranks rows by earnings (highest first), then leases open, then address; keeps the first {@code limit} and
     * counts them all.
     */
    static Leaderboard rank(List<Row> rows, int limit) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::earningsUsd)
                .reversed()
                .thenComparing(Comparator.comparingLong(Row::activeLeases).reversed())
                .thenComparing(Row::provider));
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, sorted.size()); i++) {
            Row r = sorted.get(i);
            out.add(new Row(
                    i + 1,
                    r.provider(),
                    r.hostUri(),
                    r.earningsUsd(),
                    r.earningsMicroByDenom(),
                    r.activeLeases(),
                    r.gpusLeased(),
                    r.gpuCapacity(),
                    r.gpusAllocated(),
                    r.uptimePct()));
        }
        return new Leaderboard(sorted.size(), List.copyOf(out));
    }
}

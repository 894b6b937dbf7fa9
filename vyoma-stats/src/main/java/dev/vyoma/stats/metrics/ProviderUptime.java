package dev.vyoma.stats.metrics;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each provider's uptime over the 24 hours, 7 days and 30 days up to a moment: the share of the indexer's status
 * polls in the window that it answered, {@code 100 × answered / polled} to 2 places, or null when it was not polled
 * in the window. The leaderboard reads it at a period's end; {@code GET /api/providers/uptime} at the latest poll,
 * for tenants choosing a provider ({@code vyoma query provider list --stats}, {@code vyoma deploy --pick best}).
 * The providers are those registered now and those polled in the longest window, by address, at most {@link
 * #MAX_PROVIDERS}.
 */
public record ProviderUptime(long endMillis, int providers, List<Row> rows) {
    /** The windows, each ending at {@code endMillis}: 24 hours, 7 days, 30 days. */
    public static final List<Duration> WINDOWS = List.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));

    /** The windows' names in JSON and tables, in the order of {@link #WINDOWS}. */
    public static final List<String> WINDOW_NAMES = List.of("24h", "7d", "30d");

    /** Most rows in one answer (the rest are counted in {@code providers}). */
    public static final int MAX_PROVIDERS = 10_000;

    /**
     * One provider: address, its host as registered now (empty if it is not), and per window of {@link #WINDOWS}
     * its uptime in percent (null when not polled) and the number of polls.
     */
    public record Row(String provider, String hostUri, List<BigDecimal> uptimePct, List<Long> polls) {}

    /** Per window, per provider: {polled, answered} with time in {@code [end − window, end)}. */
    static List<Map<String, long[]>> counts(Connection c, long endMillis) throws SQLException {
        List<Map<String, long[]>> out = new ArrayList<>();
        for (Duration w : WINDOWS) {
            Map<String, long[]> u = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT provider, COUNT(*), SUM(CASE WHEN ok THEN 1 ELSE 0 END)"
                            + " FROM provider_snapshot WHERE time_ms >= " + (endMillis - w.toMillis())
                            + " AND time_ms < " + endMillis + " GROUP BY provider")) {
                while (r.next()) {
                    u.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
                }
            }
            out.add(u);
        }
        return out;
    }

    /** The uptime of every provider registered now or polled in the last 30 days before {@code endMillis}. */
    static ProviderUptime at(Connection c, long endMillis) throws SQLException {
        TreeMap<String, String> hosts = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT owner, host_uri FROM provider")) {
            while (r.next()) {
                hosts.put(r.getString(1), r.getString(2));
            }
        }
        List<Map<String, long[]>> counts = counts(c, endMillis);
        counts.forEach(m -> m.keySet().forEach(p -> hosts.putIfAbsent(p, "")));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String> p : hosts.entrySet()) {
            if (rows.size() == MAX_PROVIDERS) {
                break;
            }
            List<BigDecimal> pct = new ArrayList<>();
            List<Long> polls = new ArrayList<>();
            for (Map<String, long[]> m : counts) {
                long[] n = m.getOrDefault(p.getKey(), new long[2]);
                pct.add(MetricsQuery.percent(n[1], n[0]));
                polls.add(n[0]);
            }
            rows.add(new Row(
                    p.getKey(), p.getValue(), Collections.unmodifiableList(pct), Collections.unmodifiableList(polls)));
        }
        return new ProviderUptime(endMillis, hosts.size(), List.copyOf(rows));
    }

    /**
     * The JSON of {@code GET /api/providers/uptime}: {@code asOf} (the windows' end, ISO-8601), {@code windows},
     * {@code providers} (how many there are), and {@code items}, each with {@code provider}, {@code hostUri}, {@code
     * uptimePct} and {@code polls} by window name (a percentage as a string with 2 places, null when not polled).
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("asOf", java.time.Instant.ofEpochMilli(endMillis).toString());
        out.put("windows", WINDOW_NAMES);
        out.put("providers", providers);
        List<Object> items = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> item = new java.util.LinkedHashMap<>();
            item.put("provider", r.provider());
            item.put("hostUri", r.hostUri());
            Map<String, Object> pct = new java.util.LinkedHashMap<>();
            Map<String, Object> polls = new java.util.LinkedHashMap<>();
            for (int i = 0; i < WINDOWS.size(); i++) {
                BigDecimal v = r.uptimePct().get(i);
                pct.put(WINDOW_NAMES.get(i), v == null ? null : v.toPlainString());
                polls.put(WINDOW_NAMES.get(i), r.polls().get(i));
            }
            item.put("uptimePct", pct);
            item.put("polls", polls);
            items.add(item);
        }
        out.put("items", items);
        return out;
    }

    /** Only {@code provider}'s row (none if it has none), the count kept as it is. */
    public ProviderUptime only(String provider) {
        return new ProviderUptime(
                endMillis,
                providers,
                rows.stream().filter(r -> r.provider().equals(provider)).toList());
    }
}

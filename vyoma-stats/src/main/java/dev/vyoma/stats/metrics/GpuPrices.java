package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * GPU prices by model in a period, per GPU, in USD per hour and per month: from bids (each provider's cheapest bid
 * per GPU of the model, as Akash's gpu-prices takes one bid per provider) and from leases (each lease created in the
 * period). Only groups whose GPUs ask for one model count (Akash reads only bids whose GPU attributes name one); a
 * price per GPU is the whole bid or lease price over the group's GPUs. A per-block price becomes hourly at the blocks
 * an hour the chain made in the period, monthly at {@link #DAYS_PER_MONTH} days of 24 hours.
 */
public record GpuPrices(BigDecimal blocksPerHour, SortedMap<String, Model> models) {
    /** Days in a month for prices per month: Akash's {@code averageDaysInMonth}. */
    public static final BigDecimal DAYS_PER_MONTH = new BigDecimal("30.437");

    /** Nothing priced (no bid or lease on a one-model GPU group in the period). */
    public static final GpuPrices NONE = new GpuPrices(null, new TreeMap<>());

    /**
     * A set of prices per GPU: how many (bids or leases) and from how many providers; its lowest, median (the mean
     * of the two middle ones for an even count) and highest in USD per hour and per month (null when the period has
     * too few blocks to say how many it makes an hour).
     */
    public record Stats(
            int count,
            int providers,
            BigDecimal minPerHour,
            BigDecimal medianPerHour,
            BigDecimal maxPerHour,
            BigDecimal minPerMonth,
            BigDecimal medianPerMonth,
            BigDecimal maxPerMonth) {}

    /** A model's prices from bids and from leases (null where none). */
    public record Model(Stats bids, Stats leases) {}

    /** One price per GPU per block in USD, of a provider. */
    private record Price(String provider, BigDecimal usdPerBlock) {}

    /**
     * The prices of period {@code p}; bids and leases in a denomination without a USD price are left out and their
     * denomination added to {@code unpriced}, as are those on a day without a price when the table counts such a day
     * 0 USD (a price of 0 says nothing about GPUs; Akash likewise skips a bid without its day's price).
     */
    static GpuPrices compute(Connection c, Period p, PriceTable prices, Set<String> unpriced) throws SQLException {
        BigDecimal perHour = blocksPerHour(c, p);
        SortedMap<String, List<Price>> bids = read(
                c,
                "SELECT gpu_model, provider, denom, price, gpu_units, created_ms FROM bid WHERE gpu_model <> ''"
                        + " AND created_height BETWEEN " + p.fromHeight() + " AND " + p.toHeight(),
                prices,
                unpriced);
        SortedMap<String, List<Price>> leases = read(
                c,
                "SELECT gpu_model, provider, denom, price, gpu_units, created_ms FROM lease WHERE gpu_model <> ''"
                        + " AND gpu_units > 0 AND created_height BETWEEN " + p.fromHeight() + " AND " + p.toHeight(),
                prices,
                unpriced);
        SortedMap<String, Model> models = new TreeMap<>();
        Set<String> names = new java.util.TreeSet<>(bids.keySet());
        names.addAll(leases.keySet());
        for (String m : names) {
            List<Price> b = bids.get(m);
            List<Price> l = leases.get(m);
            models.put(
                    m,
                    new Model(
                            b == null ? null : stats(b.size(), cheapestPerProvider(b), perHour),
                            l == null ? null : stats(l.size(), l, perHour)));
        }
        return new GpuPrices(perHour, models);
    }

    /**
     * Blocks an hour in the period: its blocks after the first over the time from the first to the last; null with
     * fewer than two blocks or no time between them.
     */
    static BigDecimal blocksPerHour(Connection c, Period p) throws SQLException {
        if (p.toHeight() <= p.fromHeight()) {
            return null;
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MIN(time_ms), MAX(time_ms) FROM block WHERE height IN ("
                        + p.fromHeight() + ", " + p.toHeight() + ")")) {
            r.next();
            long span = r.getLong(2) - r.getLong(1);
            if (span <= 0) {
                return null;
            }
            return MetricsQuery.plain(BigDecimal.valueOf(p.toHeight() - p.fromHeight())
                    .multiply(BigDecimal.valueOf(3_600_000L))
                    .divide(BigDecimal.valueOf(span), MetricsQuery.SCALE, RoundingMode.HALF_EVEN));
        }
    }

    private static SortedMap<String, List<Price>> read(
            Connection c, String sql, PriceTable prices, Set<String> unpriced) throws SQLException {
        SortedMap<String, List<Price>> out = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                String denom = r.getString(3);
                LocalDate day = Instant.ofEpochMilli(r.getLong(6))
                        .atZone(ZoneOffset.UTC)
                        .toLocalDate();
                PriceTable.Quote q = prices.quote(denom, day);
                if (q == null) {
                    unpriced.add(denom);
                    continue;
                }
                if (q.filled() && prices.missingPrice() == PriceTable.MissingPrice.ZERO) {
                    continue;
                }
                BigDecimal perGpu = r.getBigDecimal(4)
                        .multiply(q.usdPerMicro())
                        .divide(BigDecimal.valueOf(r.getLong(5)), 30, RoundingMode.HALF_EVEN);
                out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Price(r.getString(2), perGpu));
            }
        }
        return out;
    }

    /** Each provider's lowest price. */
    private static List<Price> cheapestPerProvider(List<Price> prices) {
        Map<String, Price> best = new TreeMap<>();
        for (Price x : prices) {
            best.merge(x.provider(), x, (a, b) -> a.usdPerBlock().compareTo(b.usdPerBlock()) <= 0 ? a : b);
        }
        return new ArrayList<>(best.values());
    }

    private static Stats stats(int count, List<Price> prices, BigDecimal perHour) {
        Set<String> providers = new HashSet<>();
        List<BigDecimal> v = new ArrayList<>();
        for (Price x : prices) {
            providers.add(x.provider());
            v.add(x.usdPerBlock());
        }
        v.sort(null);
        int n = v.size();
        BigDecimal median = n % 2 == 1
                ? v.get(n / 2)
                : v.get(n / 2 - 1).add(v.get(n / 2)).divide(BigDecimal.valueOf(2), 30, RoundingMode.HALF_EVEN);
        BigDecimal min = v.get(0);
        BigDecimal max = v.get(n - 1);
        return new Stats(
                count,
                providers.size(),
                hour(min, perHour),
                hour(median, perHour),
                hour(max, perHour),
                month(min, perHour),
                month(median, perHour),
                month(max, perHour));
    }

    private static BigDecimal hour(BigDecimal perBlock, BigDecimal perHour) {
        return perHour == null ? null : round(perBlock.multiply(perHour));
    }

    private static BigDecimal month(BigDecimal perBlock, BigDecimal perHour) {
        return perHour == null
                ? null
                : round(perBlock.multiply(perHour)
                        .multiply(BigDecimal.valueOf(24))
                        .multiply(DAYS_PER_MONTH));
    }

    private static BigDecimal round(BigDecimal v) {
        return MetricsQuery.plain(v.setScale(MetricsQuery.SCALE, RoundingMode.HALF_EVEN));
    }
}

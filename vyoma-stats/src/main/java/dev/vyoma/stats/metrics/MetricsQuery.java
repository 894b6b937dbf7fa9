package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Bucket;
import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Computes a period's metrics from the indexed tables, the same SQL on DuckDB and PostgreSQL. Lease figures come
 * from one pass over the leases' start and end heights (deltas summed per bucket, then running sums); revenue is
 * the accrual {@code price × blocks billed} with each closed lease's settlement correction on its closing bucket;
 * capacity figures from each provider's last successful status in the grace period before a bucket's end.
 */
public final class MetricsQuery {
    /** Akash's grace period: a provider counts if it answered within 3 hours before the bucket's end. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(3);

    /** Scale of means and ratios in a report. */
    public static final int SCALE = 6;

    /** Most buckets in one period (a year of days, or 40 days of hours). */
    public static final int MAX_BUCKETS = 1_000;

    private final StatsDb db;
    private final PriceTable prices;
    private final Duration grace;

    public MetricsQuery(StatsDb db, PriceTable prices, Duration grace) {
        this.db = db;
        this.prices = prices;
        this.grace = grace;
    }

    /**
     * The operator's price table as stored in the database, plus {@code extra} entries (which win); a day without a
     * price counts 0 USD (Akash's rule).
     */
    public static PriceTable prices(StatsDb db, List<PriceTable.Entry> extra) throws SQLException {
        return prices(db, extra, PriceTable.MissingPrice.ZERO);
    }

    /** As {@link #prices(StatsDb, List)}, with {@code missing} for days without a price. */
    public static PriceTable prices(StatsDb db, List<PriceTable.Entry> extra, PriceTable.MissingPrice missing)
            throws SQLException {
        List<PriceTable.Entry> all = new ArrayList<>();
        try (Connection c = db.connection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT denom, day, usd_per_token FROM price")) {
            while (r.next()) {
                all.add(new PriceTable.Entry(r.getString(1), LocalDate.parse(r.getString(2)), r.getBigDecimal(3)));
            }
        }
        all.addAll(extra);
        return new PriceTable(all, missing);
    }

    /** Stores price entries (replacing the same denom and day). */
    public static void storePrices(StatsDb db, List<PriceTable.Entry> entries) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM price WHERE denom = ? AND day = ?");
                    PreparedStatement ins =
                            c.prepareStatement("INSERT INTO price (denom, day, usd_per_token) VALUES (?, ?, ?)")) {
                for (PriceTable.Entry e : entries) {
                    del.setString(1, e.denom());
                    del.setString(2, e.day().toString());
                    del.executeUpdate();
                    ins.setString(1, e.denom());
                    ins.setString(2, e.day().toString());
                    ins.setBigDecimal(3, e.usdPerToken());
                    ins.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The bucket size: a UTC day, or an hour for periods of 48 hours or less when {@code bucket} is null. */
    public static Duration bucketFor(PeriodMetrics.Period p, Duration bucket) {
        if (bucket != null) {
            return bucket;
        }
        return p.endMillis() - p.startMillis() <= Duration.ofHours(48).toMillis()
                ? Duration.ofHours(1)
                : Duration.ofDays(1);
    }

    /** The time of the latest indexed block, or empty before the first. */
    public java.util.OptionalLong latestBlockMillis() throws SQLException {
        try (Connection c = db.connection()) {
            long[] r = longs(c, "SELECT COUNT(*), COALESCE(MAX(time_ms), 0) FROM block");
            return r[0] == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(r[1]);
        }
    }

    /**
     * Every provider's uptime over 24 hours, 7 days and 30 days up to the latest stored status poll (the poller's
     * present, as the latest block is the indexer's), or empty before the first poll.
     */
    public java.util.Optional<ProviderUptime> uptimeNow() throws SQLException {
        try (Connection c = db.connection()) {
            long[] r = longs(c, "SELECT COUNT(*), COALESCE(MAX(time_ms), 0) FROM provider_snapshot");
            return r[0] == 0 ? java.util.Optional.empty() : java.util.Optional.of(ProviderUptime.at(c, r[1] + 1));
        }
    }

    /** Every provider's uptime over the windows that end at {@code endMillis} (exclusive). */
    public ProviderUptime uptimeAt(long endMillis) throws SQLException {
        try (Connection c = db.connection()) {
            return ProviderUptime.at(c, endMillis);
        }
    }

    /** Resolves a period against the indexed blocks; empty-handed periods are an error saying what is indexed. */
    public Period resolve(PeriodSpec spec) throws SQLException {
        String name = spec.calendarName().orElse(null);
        try (Connection c = db.connection()) {
            long[] range = longs(
                    c,
                    "SELECT COALESCE(MIN(height), 0), COALESCE(MAX(height), 0), COALESCE(MAX(time_ms), 0) FROM block");
            if (range[1] == 0) {
                throw new IllegalArgumentException("nothing is indexed yet: run vyoma stats index first");
            }
            long last = range[1];
            long lastTime = range[2];
            PeriodSpec.ByTime t;
            switch (spec) {
                case PeriodSpec.ByHeight h -> {
                    if (h.from() > last) {
                        throw new IllegalArgumentException(
                                "height " + h.from() + " is not indexed yet (indexed to " + last + ")");
                    }
                    long to = Math.min(h.to(), last);
                    long start = longs(c, "SELECT time_ms FROM block WHERE height = " + h.from())[0];
                    long end = longs(c, "SELECT time_ms FROM block WHERE height = " + to)[0] + 1;
                    return new Period(h.from(), to, start, end, to == h.to(), name);
                }
                case PeriodSpec.Named n -> t = n.byTime();
                case PeriodSpec.ByTime bt -> t = bt;
            }
            long end = Math.min(t.endMillis(), lastTime + 1);
            long from =
                    longs(c, "SELECT COALESCE(MAX(height), 0) FROM block WHERE time_ms < " + t.startMillis())[0] + 1;
            long to = longs(c, "SELECT COALESCE(MAX(height), 0) FROM block WHERE time_ms < " + end)[0];
            return new Period(
                    from,
                    Math.max(to, from - 1),
                    t.startMillis(),
                    Math.max(end, t.startMillis() + 1),
                    end == t.endMillis(),
                    name);
        }
    }

    /** Most days from genesis to a period's start that the totals since genesis read (a century). */
    public static final int MAX_HISTORY_DAYS = 36_600;

    /** A period cut into buckets: the first bucket's aligned start, the size, each bucket's times and last height. */
    // Built once per query and read by index by the passes over it; never compared or printed.
    @SuppressWarnings("ArrayRecordComponent")
    private record Cuts(long first, long size, long[] starts, long[] ends, long[] hi) {
        int n() {
            return starts.length;
        }
    }

    /**
     * Cuts {@code p} into UTC-aligned buckets of {@code size} ms (at most {@code max}, else an error naming {@code
     * what}); a bucket's last height is the last block whose time falls in it (the one before, if none does).
     */
    private static Cuts cuts(Connection c, Period p, long size, int max, String what) throws SQLException {
        long first = p.startMillis() - Math.floorMod(p.startMillis(), size);
        long count = (p.endMillis() - first + size - 1) / size;
        if (count > max) {
            throw new IllegalArgumentException(
                    what + " has " + count + " buckets of " + Duration.ofMillis(size) + "; at most " + max);
        }
        int n = (int) count;
        long[] starts = new long[n];
        long[] ends = new long[n];
        long[] hi = new long[n];
        Map<Long, Long> maxHeight = new HashMap<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT time_ms - ((time_ms - ?) % ?) AS b, MAX(height) FROM block"
                        + " WHERE height BETWEEN ? AND ? GROUP BY 1")) {
            s.setLong(1, first);
            s.setLong(2, size);
            s.setLong(3, p.fromHeight());
            s.setLong(4, p.toHeight());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    maxHeight.put(r.getLong(1), r.getLong(2));
                }
            }
        }
        long prev = p.fromHeight() - 1;
        for (int i = 0; i < n; i++) {
            long bs = first + i * size;
            starts[i] = Math.max(bs, p.startMillis());
            ends[i] = Math.min(bs + size, p.endMillis());
            hi[i] = Math.max(prev, maxHeight.getOrDefault(bs, prev));
            prev = hi[i];
        }
        return new Cuts(first, size, starts, ends, hi);
    }

    /** The metrics of a resolved period, in buckets of {@code bucket} (a day or an hour, aligned to UTC). */
    public PeriodMetrics compute(Period p, Duration bucket) throws SQLException {
        long size = bucket.toMillis();
        if (Duration.ofDays(1).toMillis() % size != 0) {
            throw new IllegalArgumentException("a bucket divides a day (a day or an hour), got " + bucket);
        }
        try (Connection c = db.connection()) {
            return assemble(c, p, cuts(c, p, size, MAX_BUCKETS, "the period"));
        }
    }

    /** Per-bucket USD bookkeeping: denominations without a price, and the days a price was filled. */
    private final class Usd {
        final java.util.Set<String> unpriced = new java.util.TreeSet<>();
        final SortedMap<String, java.util.SortedSet<LocalDate>> filled = new TreeMap<>();
        final boolean noteFilled;

        Usd(boolean noteFilled) {
            this.noteFilled = noteFilled;
        }

        /** {@code micro} of {@code denom} in USD at {@code day}'s price; null when the denomination has none. */
        BigDecimal of(String denom, BigDecimal micro, LocalDate day) {
            PriceTable.Quote price = prices.quote(denom, day);
            if (price == null) {
                unpriced.add(denom);
                return null;
            }
            if (price.filled() && noteFilled) {
                filled.computeIfAbsent(denom, d -> new java.util.TreeSet<>()).add(day);
            }
            return micro.multiply(price.usdPerMicro());
        }
    }

    private static LocalDate day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Revenue per key summed to revenue per denomination. */
    private static SortedMap<String, BigDecimal> byDenom(Map<LeasePass.Key, BigDecimal> revenue) {
        SortedMap<String, BigDecimal> out = new TreeMap<>();
        revenue.forEach((k, v) -> out.merge(k.denom(), v, BigDecimal::add));
        out.replaceAll((d, v) -> plain(v));
        out.values().removeIf(v -> v.signum() == 0);
        return out;
    }

    /**
     * Revenue from genesis to the block before the period, per denomination (micro-units) and in USD (each UTC day at
     * its price, as the period's own days): what the totals since genesis start from.
     */
    private record History(SortedMap<String, BigDecimal> revenueMicroByDenom, BigDecimal revenueUsd) {}

    private History history(Connection c, Period p, Usd usd) throws SQLException {
        long h0 = p.fromHeight() - 1;
        SortedMap<String, BigDecimal> micro = new TreeMap<>();
        if (h0 < 1) {
            return new History(micro, BigDecimal.ZERO);
        }
        // Per denomination in one aggregate: a lease closed by h0 earned what it was paid (accrual plus its
        // settlement correction); one open at h0 has accrued its price for every block after its creating one.
        try (Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT denom, SUM(CASE WHEN closed_height IS NOT NULL AND closed_height <= "
                                + h0 + " THEN CAST(paid_micro AS DECIMAL(38,18)) ELSE price * (" + h0
                                + " - created_height) END) FROM lease WHERE created_height <= " + h0
                                + " GROUP BY denom")) {
            while (r.next()) {
                BigDecimal v = plain(r.getBigDecimal(2));
                if (v.signum() != 0) {
                    micro.put(r.getString(1), v);
                }
            }
        }
        // In USD: face value at once; a denomination with a price table day by day, as the period's own days.
        BigDecimal total = BigDecimal.ZERO;
        List<String> daily = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> e : micro.entrySet()) {
            if (e.getKey().equals(PriceTable.FACE_VALUE_DENOM)) {
                total = total.add(e.getValue().movePointLeft(6));
            } else if (prices.quote(e.getKey(), LocalDate.EPOCH) == null) {
                usd.unpriced.add(e.getKey());
            } else {
                daily.add(e.getKey());
            }
        }
        if (!daily.isEmpty()) {
            long[] times = longs(c, "SELECT MIN(time_ms), MAX(time_ms) FROM block WHERE height <= " + h0);
            Period before = new Period(1, h0, times[0], Math.max(p.startMillis(), times[1] + 1), true, null);
            Cuts cuts = cuts(
                    c, before, Duration.ofDays(1).toMillis(), MAX_HISTORY_DAYS, "the time from genesis to the period");
            LeasePass.Result r = LeasePass.run(c, before, cuts.first(), cuts.size(), cuts.hi(), daily, false);
            for (int i = 0; i < cuts.n(); i++) {
                LocalDate d = day(cuts.starts()[i]);
                for (Map.Entry<String, BigDecimal> e :
                        byDenom(r.buckets().get(i).revenue()).entrySet()) {
                    BigDecimal v = usd.of(e.getKey(), e.getValue(), d);
                    total = v == null ? total : total.add(v);
                }
            }
        }
        return new History(micro, plain(total));
    }

    /**
     * What each provider's leases accrued in the period (its earnings), per denomination and in USD: in one aggregate
     * (the blocks each lease billed in the period, and its settlement correction if it closed in it), then USD at face
     * value at once, and for a denomination with a price table day by day.
     */
    private Map<String, Leaderboard.Earnings> earnings(Connection c, Period p, Cuts cuts, Usd usd) throws SQLException {
        long from = p.fromHeight();
        long to = p.toHeight();
        Map<String, Leaderboard.Earnings> out = new HashMap<>();
        List<String> daily = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT provider, denom, SUM(price * (LEAST(COALESCE(closed_height, " + to
                        + "), " + to + ") - GREATEST(created_height, " + (from - 1) + "))"
                        + " + CASE WHEN closed_height BETWEEN " + from + " AND " + to
                        + " THEN CAST(paid_micro AS DECIMAL(38,18)) - price * (closed_height - created_height) ELSE 0 END)"
                        + " FROM lease WHERE created_height < " + to
                        + " AND (closed_height IS NULL OR closed_height >= "
                        + from + ") GROUP BY provider, denom")) {
            while (r.next()) {
                String denom = r.getString(2);
                BigDecimal micro = r.getBigDecimal(3);
                if (micro.signum() == 0) {
                    continue;
                }
                BigDecimal face = denom.equals(PriceTable.FACE_VALUE_DENOM) ? micro.movePointLeft(6) : null;
                if (face == null && prices.quote(denom, LocalDate.EPOCH) != null && !daily.contains(denom)) {
                    daily.add(denom);
                }
                out.merge(
                        r.getString(1),
                        Leaderboard.Earnings.none().plus(denom, micro, face),
                        (a, b) -> a.plus(denom, micro, face));
            }
        }
        if (!daily.isEmpty()) {
            LeasePass.Result r = LeasePass.run(c, p, cuts.first(), cuts.size(), cuts.hi(), daily, true);
            for (int i = 0; i < cuts.n(); i++) {
                LocalDate d = day(cuts.starts()[i]);
                for (Map.Entry<LeasePass.Key, BigDecimal> e :
                        r.buckets().get(i).revenue().entrySet()) {
                    BigDecimal v = usd.of(e.getKey().denom(), e.getValue(), d);
                    if (v != null) {
                        out.merge(
                                e.getKey().provider(),
                                new Leaderboard.Earnings(v, new TreeMap<>()),
                                (a, b) -> new Leaderboard.Earnings(a.usd().add(v), a.microByDenom()));
                    }
                }
            }
        }
        return out;
    }

    private PeriodMetrics assemble(Connection c, Period p, Cuts cuts) throws SQLException {
        int n = cuts.n();
        long[] starts = cuts.starts();
        long[] ends = cuts.ends();
        long[] hi = cuts.hi();
        LeasePass.Result leases = LeasePass.run(c, p, cuts.first(), cuts.size(), hi, null, false);
        // Payouts: EscrowPayment amounts by bucket and denomination.
        List<Map<String, Long>> paid = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            paid.add(new TreeMap<>());
        }
        String payouts = "SELECT idx, denom, SUM(amount) FROM (SELECT CAST(((time_ms - " + cuts.first()
                + ") - ((time_ms - " + cuts.first() + ") % " + cuts.size() + ")) / " + cuts.size()
                + " AS BIGINT) AS idx, denom, amount FROM payment WHERE height BETWEEN " + p.fromHeight() + " AND "
                + p.toHeight() + ") x GROUP BY idx, denom";
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(payouts)) {
            while (r.next()) {
                paid.get(Math.min(n - 1, r.getInt(1))).merge(r.getString(2), r.getLong(3), Long::sum);
            }
        }
        // The bucket at the indexed tip describes the present: snapshots taken after its last block count too
        // (vyoma stats index --once polls providers after it has read the last block).
        long[] capacityEnds = ends.clone();
        long tip = longs(c, "SELECT COALESCE(MAX(height), 0) FROM block")[0];
        if (n > 0 && p.toHeight() == tip) {
            long latest = longs(c, "SELECT COALESCE(MAX(time_ms), 0) FROM provider_snapshot")[0];
            capacityEnds[n - 1] = Math.max(capacityEnds[n - 1], latest + 1);
        }
        List<CapacityQuery.BucketCapacity> capacity = new CapacityQuery(grace).read(c, n, hi, capacityEnds);

        Usd usd = new Usd(true);
        // Days before the period are not listed as filled (the notes are about the period), but a denomination
        // without any price is, whenever it earned.
        Usd earlier = new Usd(false);
        History before = history(c, p, earlier);
        usd.unpriced.addAll(earlier.unpriced);
        long totalLeases = leases.createdBefore();
        BigDecimal totalUsd = before.revenueUsd();
        SortedMap<String, BigDecimal> totalMicro = new TreeMap<>(before.revenueMicroByDenom());
        long prevHi = p.fromHeight() - 1;
        List<Bucket> buckets = new ArrayList<>();
        SortedMap<String, BigDecimal> revenueTotal = new TreeMap<>();
        SortedMap<String, BigDecimal> revenueUsdTotal = new TreeMap<>();
        SortedMap<String, Long> paidTotal = new TreeMap<>();
        Map<String, Leaderboard.Earnings> earnings = earnings(c, p, cuts, usd);
        for (int i = 0; i < n; i++) {
            LocalDate d = day(starts[i]);
            LeasePass.BucketLeases l = leases.buckets().get(i);
            CapacityQuery.BucketCapacity cap = capacity.get(i);
            SortedMap<String, BigDecimal> revenue = byDenom(l.revenue());
            SortedMap<String, BigDecimal> revenueUsd = new TreeMap<>();
            BigDecimal bucketUsd = BigDecimal.ZERO;
            for (Map.Entry<String, BigDecimal> e : revenue.entrySet()) {
                BigDecimal v = usd.of(e.getKey(), e.getValue(), d);
                if (v != null) {
                    revenueUsd.put(e.getKey(), plain(v));
                    bucketUsd = bucketUsd.add(v);
                }
            }
            BigDecimal paidUsd = BigDecimal.ZERO;
            for (Map.Entry<String, Long> e : paid.get(i).entrySet()) {
                BigDecimal v = usd.of(e.getKey(), BigDecimal.valueOf(e.getValue()), d);
                paidUsd = v == null ? paidUsd : paidUsd.add(v);
            }
            revenue.forEach((k, v) -> revenueTotal.merge(k, v, BigDecimal::add));
            revenue.forEach((k, v) -> totalMicro.merge(k, v, BigDecimal::add));
            revenueUsd.forEach((k, v) -> revenueUsdTotal.merge(k, v, BigDecimal::add));
            paid.get(i).forEach((k, v) -> paidTotal.merge(k, v, Long::sum));
            totalLeases += l.created();
            totalUsd = totalUsd.add(bucketUsd);
            buckets.add(new Bucket(
                    starts[i],
                    ends[i],
                    prevHi + 1,
                    hi[i],
                    l.created(),
                    l.active(),
                    l.cpuMillis(),
                    l.memoryBytes(),
                    l.storageBytes(),
                    l.gpus(),
                    revenue,
                    revenueUsd,
                    plain(bucketUsd),
                    plain(paidUsd),
                    totalLeases,
                    plain(totalUsd),
                    cap.data(),
                    cap.providers(),
                    cap.gpu().capacity(),
                    cap.gpu().inUse(),
                    cap.gpu().reserved(),
                    cap.cpu(),
                    cap.memory(),
                    cap.storage(),
                    cap.byModel()));
            prevHi = hi[i];
        }
        SortedMap<String, List<LocalDate>> gaps = new TreeMap<>();
        usd.filled.forEach((denom, days) -> gaps.put(denom, List.copyOf(days)));
        java.util.Set<String> unpriced = new java.util.TreeSet<>(usd.unpriced);
        GpuPrices gpuPrices = GpuPrices.compute(c, p, prices, unpriced);
        Leaderboard board = Leaderboard.compute(c, p, earnings, capacityEnds[n - 1], grace, Leaderboard.MAX_ROWS);
        revenueTotal.replaceAll((k, v) -> plain(v));
        revenueUsdTotal.replaceAll((k, v) -> plain(v));
        totalMicro.replaceAll((k, v) -> plain(v));
        return BucketFigures.summarize(
                p,
                buckets,
                revenueTotal,
                revenueUsdTotal,
                paidTotal,
                new PeriodMetrics.SinceGenesis(totalLeases, totalMicro, plain(totalUsd)),
                new ArrayList<>(unpriced),
                new PeriodMetrics.PriceGaps(prices.missingPrice(), gaps),
                gpuPrices,
                board,
                LeaseDurations.compute(c, p));
    }

    /** {@code sum / n} to {@link #SCALE} places, half-even, trailing zeros dropped. */
    public static BigDecimal mean(long sum, int n) {
        return mean(BigDecimal.valueOf(sum), n);
    }

    /** {@code sum / n} to {@link #SCALE} places, half-even, trailing zeros dropped. */
    public static BigDecimal mean(BigDecimal sum, int n) {
        return plain(sum.divide(BigDecimal.valueOf(n), SCALE, RoundingMode.HALF_EVEN));
    }

    /** {@code v} without trailing zeros, never in exponent form (10, not 1E+1). */
    public static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** {@code 100 × part / whole} to 2 places, half-even; null when {@code whole} is 0. */
    public static BigDecimal percent(long part, long whole) {
        return percent(BigDecimal.valueOf(part), BigDecimal.valueOf(whole));
    }

    /** {@code 100 × part / whole} to 2 places, half-even; null when {@code whole} is 0. */
    public static BigDecimal percent(BigDecimal part, BigDecimal whole) {
        if (whole.signum() == 0) {
            return null;
        }
        return part.multiply(BigDecimal.valueOf(100)).divide(whole, 2, RoundingMode.HALF_EVEN);
    }

    private static long[] longs(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            if (!r.next()) {
                throw new SQLException("no row for " + sql);
            }
            long[] out = new long[r.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = r.getLong(i + 1);
            }
            return out;
        }
    }
}

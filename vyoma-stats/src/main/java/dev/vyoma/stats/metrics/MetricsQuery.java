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
import java.util.EnumMap;
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

    /** The metrics of a resolved period, in buckets of {@code bucket} (a day or an hour, aligned to UTC). */
    public PeriodMetrics compute(Period p, Duration bucket) throws SQLException {
        long size = bucket.toMillis();
        if (Duration.ofDays(1).toMillis() % size != 0) {
            throw new IllegalArgumentException("a bucket divides a day (a day or an hour), got " + bucket);
        }
        long first = p.startMillis() - Math.floorMod(p.startMillis(), size);
        int n = (int) ((p.endMillis() - first + size - 1) / size);
        if (n > MAX_BUCKETS) {
            throw new IllegalArgumentException(
                    "the period has " + n + " buckets of " + bucket + "; at most " + MAX_BUCKETS);
        }
        try (Connection c = db.connection()) {
            long[] starts = new long[n];
            long[] ends = new long[n];
            long[] lo = new long[n];
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
                lo[i] = prev + 1;
                hi[i] = Math.max(prev, maxHeight.getOrDefault(bs, prev));
                prev = hi[i];
            }
            return assemble(c, p, first, size, starts, ends, lo, hi);
        }
    }

    private PeriodMetrics assemble(
            Connection c, Period p, long first, long size, long[] starts, long[] ends, long[] lo, long[] hi)
            throws SQLException {
        int n = starts.length;
        long h0 = p.fromHeight() - 1;
        // Each row's bucket from its block time (buckets are cut by time, so a block's time says its bucket);
        // rows before the period go to bucket -1, the state the period starts from.
        java.util.function.BiFunction<String, String, String> bucketOf = (h, t) -> "CASE WHEN " + h + " < "
                + p.fromHeight() + " THEN -1 ELSE LEAST(" + (n - 1) + ", CAST(((" + t + " - " + first + ") - ((" + t
                + " - " + first + ") % " + size + ")) / " + size + " AS BIGINT)) END";
        // Lease deltas: +1 and +price at the creating height, -1 and -price at the closing height, summed per
        // bucket, with price × (height − the period's first height − 1) for the accrual inside a bucket.
        String deltas = "WITH d AS ("
                + "  SELECT created_height AS h, created_ms AS t, denom, 1 AS dn, 1 AS created, price AS dr, cpu_millis AS dcpu,"
                + "   memory_bytes AS dmem, storage_bytes AS dsto, gpu_units AS dgpu FROM lease WHERE created_height <= "
                + p.toHeight()
                + "  UNION ALL"
                + "  SELECT closed_height, closed_ms, denom, -1, 0, -price, -cpu_millis, -memory_bytes, -storage_bytes, -gpu_units"
                + "   FROM lease WHERE closed_height IS NOT NULL AND closed_height <= " + p.toHeight() + "),"
                + " b AS (SELECT " + bucketOf.apply("h", "t") + " AS idx, d.* FROM d)"
                + " SELECT idx, denom, SUM(dn), SUM(created), SUM(dr), SUM(dr * (h - " + h0 + ")),"
                + "  SUM(dcpu), SUM(dmem), SUM(dsto), SUM(dgpu) FROM b GROUP BY idx, denom";
        long[] dn = new long[n + 1];
        long[] created = new long[n + 1];
        long[] dcpu = new long[n + 1];
        long[] dmem = new long[n + 1];
        long[] dsto = new long[n + 1];
        long[] dgpu = new long[n + 1];
        List<Map<String, BigDecimal>> dRate = new ArrayList<>();
        List<Map<String, BigDecimal>> dInside = new ArrayList<>();
        List<Map<String, BigDecimal>> corr = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            dRate.add(new TreeMap<>());
            dInside.add(new TreeMap<>());
            corr.add(new TreeMap<>());
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(deltas)) {
            while (r.next()) {
                int i = r.getInt(1) + 1;
                String denom = r.getString(2);
                dn[i] += r.getLong(3);
                created[i] += r.getLong(4);
                BigDecimal rateDelta = r.getBigDecimal(5);
                dRate.get(i).merge(denom, rateDelta, BigDecimal::add);
                if (i > 0) {
                    // Σ dr × (hi − h) = Σ dr × (hi − h0) − Σ dr × (h − h0)
                    BigDecimal inside = rateDelta
                            .multiply(BigDecimal.valueOf(hi[i - 1] - h0))
                            .subtract(r.getBigDecimal(6));
                    dInside.get(i).merge(denom, inside, BigDecimal::add);
                }
                dcpu[i] += r.getLong(7);
                dmem[i] += r.getLong(8);
                dsto[i] += r.getLong(9);
                dgpu[i] += r.getLong(10);
            }
        }
        // Settlement corrections: what a closed lease was paid in whole micro-units minus what it accrued.
        String corrections = "SELECT idx, denom, SUM(c) FROM (SELECT " + bucketOf.apply("closed_height", "closed_ms")
                + " AS idx, denom,"
                + " CAST(paid_micro AS DECIMAL(38,18)) - price * (closed_height - created_height) AS c FROM lease"
                + " WHERE closed_height BETWEEN " + p.fromHeight() + " AND " + p.toHeight() + ") x GROUP BY idx, denom";
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(corrections)) {
            while (r.next()) {
                corr.get(r.getInt(1) + 1).merge(r.getString(2), r.getBigDecimal(3), BigDecimal::add);
            }
        }
        // Payouts: EscrowPayment amounts by bucket and denomination.
        List<Map<String, Long>> paid = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            paid.add(new TreeMap<>());
        }
        String payouts = "SELECT idx, denom, SUM(amount) FROM (SELECT " + bucketOf.apply("height", "time_ms")
                + " AS idx, denom, amount" + " FROM payment WHERE height BETWEEN " + p.fromHeight() + " AND "
                + p.toHeight() + ") x GROUP BY idx, denom";
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(payouts)) {
            while (r.next()) {
                paid.get(r.getInt(1)).merge(r.getString(2), r.getLong(3), Long::sum);
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
        Capacity cap = capacity(c, n, hi, capacityEnds);

        // Running sums from the state before the period.
        long active = dn[0];
        long cpu = dcpu[0];
        long mem = dmem[0];
        long sto = dsto[0];
        long gpu = dgpu[0];
        Map<String, BigDecimal> rate = new TreeMap<>(dRate.get(0));
        long prevHi = p.fromHeight() - 1;
        List<Bucket> buckets = new ArrayList<>();
        SortedMap<String, BigDecimal> revenueTotal = new TreeMap<>();
        SortedMap<String, Long> paidTotal = new TreeMap<>();
        java.util.Set<String> unpriced = new java.util.TreeSet<>();
        SortedMap<String, java.util.SortedSet<LocalDate>> filled = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int k = i + 1;
            long blocks = hi[i] - prevHi;
            SortedMap<String, BigDecimal> revenue = new TreeMap<>();
            java.util.Set<String> denoms = new java.util.TreeSet<>(rate.keySet());
            denoms.addAll(dInside.get(k).keySet());
            denoms.addAll(corr.get(k).keySet());
            for (String denom : denoms) {
                BigDecimal v = rate.getOrDefault(denom, BigDecimal.ZERO)
                        .multiply(BigDecimal.valueOf(blocks))
                        .add(dInside.get(k).getOrDefault(denom, BigDecimal.ZERO))
                        .add(corr.get(k).getOrDefault(denom, BigDecimal.ZERO));
                if (v.signum() != 0) {
                    revenue.put(denom, plain(v));
                }
            }
            for (Map.Entry<String, BigDecimal> e : dRate.get(k).entrySet()) {
                rate.merge(e.getKey(), e.getValue(), BigDecimal::add);
            }
            active += dn[k];
            cpu += dcpu[k];
            mem += dmem[k];
            sto += dsto[k];
            gpu += dgpu[k];
            LocalDate day =
                    Instant.ofEpochMilli(starts[i]).atZone(ZoneOffset.UTC).toLocalDate();
            BigDecimal usd = usd(revenue, day, unpriced, filled);
            Map<String, BigDecimal> paidDec = new TreeMap<>();
            paid.get(i).forEach((d, v) -> paidDec.put(d, BigDecimal.valueOf(v)));
            BigDecimal paidUsd = usd(paidDec, day, unpriced, filled);
            revenue.forEach((d, v) -> revenueTotal.merge(d, v, BigDecimal::add));
            paid.get(i).forEach((d, v) -> paidTotal.merge(d, v, Long::sum));
            buckets.add(new Bucket(
                    starts[i],
                    ends[i],
                    prevHi + 1,
                    hi[i],
                    created[k],
                    active,
                    cpu,
                    mem,
                    sto,
                    gpu,
                    revenue,
                    usd,
                    paidUsd,
                    cap.data[i],
                    cap.providers[i],
                    cap.gpuCapacity[i],
                    cap.gpusInUse[i],
                    cap.gpusReserved[i],
                    cap.byModel.get(i)));
            prevHi = hi[i];
        }
        SortedMap<String, List<LocalDate>> gaps = new TreeMap<>();
        filled.forEach((denom, days) -> gaps.put(denom, List.copyOf(days)));
        return summarize(
                p,
                buckets,
                revenueTotal,
                paidTotal,
                new ArrayList<>(unpriced),
                new PeriodMetrics.PriceGaps(prices.missingPrice(), gaps));
    }

    /** {@code micro} in USD at {@code day}'s prices; denominations without prices and days filled are noted. */
    private BigDecimal usd(
            Map<String, BigDecimal> micro,
            LocalDate day,
            java.util.Set<String> unpriced,
            SortedMap<String, java.util.SortedSet<LocalDate>> filled) {
        BigDecimal usd = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal> e : micro.entrySet()) {
            PriceTable.Quote price = prices.quote(e.getKey(), day);
            if (price == null) {
                unpriced.add(e.getKey());
                continue;
            }
            if (price.filled()) {
                filled.computeIfAbsent(e.getKey(), d -> new java.util.TreeSet<>())
                        .add(day);
            }
            usd = usd.add(e.getValue().multiply(price.usdPerMicro()));
        }
        return plain(usd);
    }

    private record Capacity(
            boolean[] data,
            long[] providers,
            long[] gpuCapacity,
            long[] gpusInUse,
            long[] gpusReserved,
            List<SortedMap<String, long[]>> byModel) {}

    private Capacity capacity(Connection c, int n, long[] hi, long[] ends) throws SQLException {
        long g = grace.toMillis();
        StringBuilder bkt = new StringBuilder();
        for (int i = 0; i < n; i++) {
            bkt.append(i == 0 ? "" : ", ")
                    .append('(')
                    .append(i)
                    .append(", ")
                    .append(hi[i])
                    .append(", ")
                    .append(ends[i])
                    .append(')');
        }
        String buckets = "WITH bkt(idx, hi, t_end) AS (VALUES " + bkt + ")";
        // A bucket has capacity data when the poller stored anything (an answer or a failure) in its window;
        // without, its zeros would say "no providers" when nobody looked.
        boolean[] data = new boolean[n];
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(buckets + " SELECT DISTINCT bkt.idx FROM bkt JOIN provider_snapshot s"
                        + " ON s.time_ms >= bkt.t_end - " + g + " AND s.time_ms < bkt.t_end")) {
            while (r.next()) {
                data[r.getInt(1)] = true;
            }
        }
        String pick = buckets + ","
                + " pick AS (SELECT bkt.idx, s.provider, MAX(s.time_ms) AS t FROM provider_snapshot s"
                + "  JOIN bkt ON s.time_ms >= bkt.t_end - " + g + " AND s.time_ms < bkt.t_end"
                + "  JOIN provider_registration p ON p.owner = s.provider AND p.created_height <= bkt.hi"
                + "   AND (p.deleted_height IS NULL OR p.deleted_height > bkt.hi)"
                + "  WHERE s.ok GROUP BY bkt.idx, s.provider)";
        long[] providers = new long[n];
        long[] capacity = new long[n];
        long[] inUse = new long[n];
        long[] reserved = new long[n];
        List<SortedMap<String, long[]>> byModel = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byModel.add(new TreeMap<>());
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(pick + " SELECT idx, COUNT(*) FROM pick GROUP BY idx")) {
            while (r.next()) {
                providers[r.getInt(1)] = r.getLong(2);
            }
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        pick + " SELECT pick.idx, g.vendor, g.model, SUM(g.allocatable), SUM(g.allocated),"
                                + " SUM(COALESCE(g.reserved, 0))"
                                + " FROM pick JOIN provider_snapshot_gpu g ON g.provider = pick.provider AND g.time_ms = pick.t"
                                + " GROUP BY pick.idx, g.vendor, g.model")) {
            while (r.next()) {
                int i = r.getInt(1);
                String model = r.getString(2) + " " + r.getString(3);
                long cap = r.getLong(4);
                long used = r.getLong(5);
                long held = r.getLong(6);
                byModel.get(i).merge(model, new long[] {cap, used, held}, MetricsQuery::add);
                capacity[i] += cap;
                inUse[i] += used;
                reserved[i] += held;
            }
        }
        return new Capacity(data, providers, capacity, inUse, reserved, byModel);
    }

    private static long[] add(long[] a, long[] b) {
        long[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += b[i];
        }
        return out;
    }

    private static PeriodMetrics summarize(
            Period p,
            List<Bucket> buckets,
            SortedMap<String, BigDecimal> revenue,
            SortedMap<String, Long> paid,
            List<String> unpriced,
            PeriodMetrics.PriceGaps priceGaps) {
        Map<Metric, BigDecimal> v = new EnumMap<>(Metric.class);
        long newLeases = 0;
        BigDecimal revenueUsd = BigDecimal.ZERO;
        BigDecimal payoutsUsd = BigDecimal.ZERO;
        long activeSum = 0;
        long providersSum = 0;
        long capSum = 0;
        long useSum = 0;
        long reservedSum = 0;
        long cpuSum = 0;
        long memSum = 0;
        long stoSum = 0;
        long gpuLeasedSum = 0;
        int withCapacity = 0;
        SortedMap<String, long[]> models = new TreeMap<>();
        for (Bucket b : buckets) {
            withCapacity += b.capacityData() ? 1 : 0;
            newLeases += b.newLeases();
            revenueUsd = revenueUsd.add(b.revenueUsd());
            payoutsUsd = payoutsUsd.add(b.payoutsUsd());
            activeSum += b.activeLeases();
            providersSum += b.activeProviders();
            capSum += b.gpuCapacity();
            useSum += b.gpusInUse();
            reservedSum += b.gpusReserved();
            cpuSum += b.cpuMillis();
            memSum += b.memoryBytes();
            stoSum += b.storageBytes();
            gpuLeasedSum += b.gpusLeased();
            b.gpusByModel().forEach((m, cu) -> models.merge(m, cu.clone(), MetricsQuery::add));
        }
        int n = Math.max(1, buckets.size());
        v.put(Metric.NEW_LEASES, BigDecimal.valueOf(newLeases));
        v.put(Metric.ACTIVE_LEASES, mean(activeSum, n));
        v.put(Metric.REVENUE_USD, plain(revenueUsd));
        v.put(Metric.PAYOUTS_USD, plain(payoutsUsd));
        // Capacity figures are means over the buckets with capacity data only (Akash's daily series has no point
        // for a day without snapshots); with none at all they are unknown, not 0.
        int nc = withCapacity;
        v.put(Metric.GPU_CAPACITY, meanOrNull(capSum, nc));
        v.put(Metric.GPUS_IN_USE, meanOrNull(useSum, nc));
        v.put(Metric.GPUS_RESERVED, meanOrNull(reservedSum, nc));
        v.put(Metric.GPU_UTILIZATION_LEASED, percent(useSum, capSum));
        v.put(Metric.GPU_UTILIZATION_LEASED_OR_RESERVED, percent(Math.addExact(useSum, reservedSum), capSum));
        v.put(Metric.ACTIVE_PROVIDERS, meanOrNull(providersSum, nc));
        v.put(Metric.CPU_LEASED, plain(mean(cpuSum, n).movePointLeft(3)));
        v.put(Metric.MEMORY_LEASED, mean(memSum, n));
        v.put(Metric.STORAGE_LEASED, mean(stoSum, n));
        v.put(Metric.GPUS_LEASED, mean(gpuLeasedSum, n));
        SortedMap<String, PeriodMetrics.Gpu> gpus = new TreeMap<>();
        models.forEach((m, cu) -> gpus.put(
                m,
                new PeriodMetrics.Gpu(
                        mean(cu[0], nc),
                        mean(cu[1], nc),
                        mean(cu[2], nc),
                        percent(cu[1], cu[0]),
                        percent(Math.addExact(cu[1], cu[2]), cu[0]))));
        return new PeriodMetrics(
                p, buckets, v, revenue, paid, unpriced, gpus, buckets.size() - withCapacity, priceGaps);
    }

    private static BigDecimal meanOrNull(long sum, int n) {
        return n == 0 ? null : mean(sum, n);
    }

    /** {@code sum / n} to {@link #SCALE} places, half-even, trailing zeros dropped. */
    public static BigDecimal mean(long sum, int n) {
        return BigDecimal.valueOf(sum)
                .divide(BigDecimal.valueOf(n), SCALE, RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
    }

    /** {@code v} without trailing zeros, never in exponent form (10, not 1E+1). */
    public static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** {@code 100 × part / whole} to 2 places, half-even; null when {@code whole} is 0. */
    public static BigDecimal percent(long part, long whole) {
        if (whole == 0) {
            return null;
        }
        return BigDecimal.valueOf(part * 100).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_EVEN);
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

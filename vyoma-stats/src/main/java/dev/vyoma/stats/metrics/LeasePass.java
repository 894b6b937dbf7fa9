package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lease side of a period's buckets in one pass over the leases' start and end heights: deltas summed per bucket
 * (+1 and +price at the creating height, −1 and −price at the closing height), then running sums from the state
 * before the period. Revenue per bucket is the accrual {@code price × blocks billed} (a lease earns for every block
 * after the one that created it up to and including the one that closed it) plus each closed lease's settlement
 * correction on its closing bucket, kept per provider and denomination.
 */
final class LeasePass {
    private LeasePass() {}

    /** What revenue is kept by: the lease's provider (empty when not kept by provider) and its denomination. */
    record Key(String provider, String denom) {}

    /**
     * One bucket: leases created in it, and after its last block the open leases and their resources; the revenue it
     * accrued per key (zeros left out).
     */
    record BucketLeases(
            long created,
            long active,
            long cpuMillis,
            long memoryBytes,
            long storageBytes,
            long gpus,
            Map<Key, BigDecimal> revenue) {}

    /** Each bucket's leases, in bucket order; {@code createdBefore}: leases created before the period. */
    record Result(long createdBefore, List<BucketLeases> buckets) {}

    /**
     * Runs the pass for period {@code p} cut into {@code hi.length} buckets of {@code size} milliseconds from {@code
     * first} (bucket {@code i}'s last height is {@code hi[i]}), over the leases in {@code denoms} (null: all), revenue
     * kept per provider too when {@code byProvider} (many more groups: only where needed).
     */
    static Result run(Connection c, Period p, long first, long size, long[] hi, List<String> denoms, boolean byProvider)
            throws SQLException {
        int n = hi.length;
        String prov = byProvider ? "provider" : "''";
        String only = denoms == null ? "" : " AND denom IN (" + quoted(denoms) + ")";
        long h0 = p.fromHeight() - 1;
        // Each row's bucket from its block time (buckets are cut by time, so a block's time says its bucket);
        // rows before the period go to bucket -1, the state the period starts from.
        java.util.function.BiFunction<String, String, String> bucketOf = (h, t) -> "CASE WHEN " + h + " < "
                + p.fromHeight() + " THEN -1 ELSE LEAST(" + (n - 1) + ", CAST(((" + t + " - " + first + ") - ((" + t
                + " - " + first + ") % " + size + ")) / " + size + " AS BIGINT)) END";
        String deltas = "WITH d AS ("
                + "  SELECT created_height AS h, created_ms AS t, provider, denom, 1 AS dn, 1 AS created, price AS dr,"
                + "   cpu_millis AS dcpu, memory_bytes AS dmem, storage_bytes AS dsto, gpu_units AS dgpu FROM lease"
                + "   WHERE created_height <= " + p.toHeight() + only
                + "  UNION ALL"
                + "  SELECT closed_height, closed_ms, provider, denom, -1, 0, -price, -cpu_millis, -memory_bytes,"
                + "   -storage_bytes, -gpu_units FROM lease"
                + "   WHERE closed_height IS NOT NULL AND closed_height <= " + p.toHeight() + only + "),"
                + " b AS (SELECT " + bucketOf.apply("h", "t") + " AS idx, d.* FROM d)"
                + " SELECT idx, " + prov + ", denom, SUM(dn), SUM(created), SUM(dr), SUM(dr * (h - " + h0 + ")),"
                + "  SUM(dcpu), SUM(dmem), SUM(dsto), SUM(dgpu) FROM b GROUP BY 1, 2, 3";
        long[] dn = new long[n + 1];
        long[] created = new long[n + 1];
        long[] dcpu = new long[n + 1];
        long[] dmem = new long[n + 1];
        long[] dsto = new long[n + 1];
        long[] dgpu = new long[n + 1];
        List<Map<Key, BigDecimal>> dRate = new ArrayList<>();
        List<Map<Key, BigDecimal>> inside = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            dRate.add(new HashMap<>());
            inside.add(new HashMap<>());
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(deltas)) {
            while (r.next()) {
                int i = r.getInt(1) + 1;
                Key key = new Key(r.getString(2), r.getString(3));
                dn[i] += r.getLong(4);
                created[i] += r.getLong(5);
                BigDecimal rateDelta = r.getBigDecimal(6);
                dRate.get(i).merge(key, rateDelta, BigDecimal::add);
                if (i > 0) {
                    // Σ dr × (hi − h) = Σ dr × (hi − h0) − Σ dr × (h − h0): the blocks each change earns or stops
                    // earning inside its bucket.
                    BigDecimal in = rateDelta
                            .multiply(BigDecimal.valueOf(hi[i - 1] - h0))
                            .subtract(r.getBigDecimal(7));
                    inside.get(i).merge(key, in, BigDecimal::add);
                }
                dcpu[i] += r.getLong(8);
                dmem[i] += r.getLong(9);
                dsto[i] += r.getLong(10);
                dgpu[i] += r.getLong(11);
            }
        }
        // Settlement corrections: what a closed lease was paid in whole micro-units minus what it accrued.
        String corrections = "SELECT idx, " + prov + ", denom, SUM(c) FROM (SELECT "
                + bucketOf.apply("closed_height", "closed_ms") + " AS idx, provider, denom,"
                + " CAST(paid_micro AS DECIMAL(38,18)) - price * (closed_height - created_height) AS c FROM lease"
                + " WHERE closed_height BETWEEN " + p.fromHeight() + " AND " + p.toHeight() + only
                + ") x GROUP BY 1, 2, 3";
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(corrections)) {
            while (r.next()) {
                inside.get(r.getInt(1) + 1)
                        .merge(new Key(r.getString(2), r.getString(3)), r.getBigDecimal(4), BigDecimal::add);
            }
        }

        List<BucketLeases> buckets = new ArrayList<>(n);
        long a = dn[0];
        long cp = dcpu[0];
        long me = dmem[0];
        long st = dsto[0];
        long gp = dgpu[0];
        Map<Key, BigDecimal> rate = new HashMap<>();
        addNonZero(rate, dRate.get(0));
        long prevHi = p.fromHeight() - 1;
        for (int i = 0; i < n; i++) {
            int k = i + 1;
            BigDecimal blocks = BigDecimal.valueOf(hi[i] - prevHi);
            Map<Key, BigDecimal> rev = new HashMap<>();
            for (Map.Entry<Key, BigDecimal> e : rate.entrySet()) {
                rev.put(e.getKey(), e.getValue().multiply(blocks));
            }
            addNonZero(rev, inside.get(k));
            rev.values().removeIf(v -> v.signum() == 0);
            addNonZero(rate, dRate.get(k));
            a += dn[k];
            cp += dcpu[k];
            me += dmem[k];
            st += dsto[k];
            gp += dgpu[k];
            buckets.add(new BucketLeases(created[k], a, cp, me, st, gp, Collections.unmodifiableMap(rev)));
            prevHi = hi[i];
        }
        return new Result(created[0], List.copyOf(buckets));
    }

    /** {@code 'a', 'b'}: denominations as SQL literals (a quote doubled, though the ledger allows none). */
    private static String quoted(List<String> denoms) {
        List<String> out = new ArrayList<>();
        for (String d : denoms) {
            out.add("'" + d.replace("'", "''") + "'");
        }
        return String.join(", ", out);
    }

    /** Adds {@code deltas} into {@code into}, dropping entries that come to zero (closed leases leave no rate). */
    private static void addNonZero(Map<Key, BigDecimal> into, Map<Key, BigDecimal> deltas) {
        for (Map.Entry<Key, BigDecimal> e : deltas.entrySet()) {
            BigDecimal v = into.getOrDefault(e.getKey(), BigDecimal.ZERO).add(e.getValue());
            if (v.signum() == 0) {
                into.remove(e.getKey());
            } else {
                into.put(e.getKey(), v);
            }
        }
    }
}

package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Amounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The capacity side of a period's metrics: per bucket, the providers that answered within the grace period before
 * its end and the GPUs (by model), CPU, memory and storage their last successful status reported.
 */
final class CapacityQuery {
    private final Duration grace;

    /** Counts a provider whose last successful status is at most {@code grace} before a bucket's end. */
    CapacityQuery(Duration grace) {
        this.grace = grace;
    }

    /**
     * One bucket's capacity: whether any provider answered, how many, the amounts of each resource, and the GPUs by
     * model (capacity, in use, reserved).
     */
    record BucketCapacity(
            boolean data,
            long providers,
            Amounts gpu,
            Amounts cpu,
            Amounts memory,
            Amounts storage,
            SortedMap<String, long[]> byModel) {}

    /**
     * The capacity of {@code n} buckets: for bucket {@code i} (last height {@code hi[i]}, end {@code ends[i]}),
     * each provider's last successful status within the grace period before the bucket's end.
     */
    List<BucketCapacity> read(Connection c, int n, long[] hi, long[] ends) throws SQLException {
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
        Amounts[] gpu = new Amounts[n];
        Amounts[] cpu = new Amounts[n];
        Amounts[] memory = new Amounts[n];
        Amounts[] storage = new Amounts[n];
        java.util.Arrays.fill(gpu, Amounts.NONE);
        java.util.Arrays.fill(cpu, Amounts.NONE);
        java.util.Arrays.fill(memory, Amounts.NONE);
        java.util.Arrays.fill(storage, Amounts.NONE);
        List<SortedMap<String, long[]>> byModel = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byModel.add(new TreeMap<>());
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(pick + " SELECT pick.idx, COUNT(*),"
                        + " SUM(s.cpu_allocatable), SUM(s.cpu_allocated), SUM(COALESCE(s.cpu_reserved, 0)),"
                        + " SUM(s.memory_allocatable), SUM(s.memory_allocated), SUM(COALESCE(s.memory_reserved, 0)),"
                        + " SUM(s.storage_allocatable), SUM(s.storage_allocated),"
                        + " SUM(COALESCE(s.storage_reserved, 0))"
                        + " FROM pick JOIN provider_snapshot s ON s.provider = pick.provider AND s.time_ms = pick.t"
                        + " GROUP BY pick.idx")) {
            while (r.next()) {
                int i = r.getInt(1);
                providers[i] = r.getLong(2);
                cpu[i] = new Amounts(r.getLong(3), r.getLong(4), r.getLong(5));
                memory[i] = new Amounts(r.getLong(6), r.getLong(7), r.getLong(8));
                storage[i] = new Amounts(r.getLong(9), r.getLong(10), r.getLong(11));
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
                Amounts a = new Amounts(r.getLong(4), r.getLong(5), r.getLong(6));
                byModel.get(i).merge(model, new long[] {a.capacity(), a.inUse(), a.reserved()}, BucketFigures::add);
                gpu[i] = gpu[i].plus(a);
            }
        }
        List<BucketCapacity> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new BucketCapacity(data[i], providers[i], gpu[i], cpu[i], memory[i], storage[i], byModel.get(i)));
        }
        return List.copyOf(out);
    }
}

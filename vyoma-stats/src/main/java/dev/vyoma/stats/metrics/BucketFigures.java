package dev.vyoma.stats.metrics;

import dev.vyoma.stats.metrics.PeriodMetrics.Amounts;
import dev.vyoma.stats.metrics.PeriodMetrics.Bucket;
import dev.vyoma.stats.metrics.PeriodMetrics.Period;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * From buckets to figures: a bucket's raw value of a mean metric and its part and whole of a utilisation, in the
 * metric's unit, and a period's figures summarised over its buckets (means, sums, point-in-time values, ratios).
 */
final class BucketFigures {
    private BucketFigures() {}

    /** A bucket's raw value of a mean metric: a count, or an amount in its smallest unit (CPU in millicores). */
    static long raw(Bucket b, Metric m) {
        return switch (m) {
            case ACTIVE_LEASES -> b.activeLeases();
            case GPU_CAPACITY -> b.gpuCapacity();
            case GPUS_IN_USE -> b.gpusInUse();
            case GPUS_RESERVED -> b.gpusReserved();
            case ACTIVE_PROVIDERS -> b.activeProviders();
            case CPU_CAPACITY -> b.cpu().capacity();
            case CPU_IN_USE -> b.cpu().inUse();
            case MEMORY_CAPACITY -> b.memory().capacity();
            case MEMORY_IN_USE -> b.memory().inUse();
            case STORAGE_CAPACITY -> b.storage().capacity();
            case STORAGE_IN_USE -> b.storage().inUse();
            case CPU_LEASED -> b.cpuMillis();
            case MEMORY_LEASED -> b.memoryBytes();
            case STORAGE_LEASED -> b.storageBytes();
            case GPUS_LEASED -> b.gpusLeased();
            default -> throw new IllegalArgumentException(m + " is not a mean");
        };
    }

    /** A raw value in the metric's unit: millicores as cores; the rest as they are. */
    static BigDecimal scaled(Metric m, BigDecimal raw) {
        return switch (m) {
            case CPU_CAPACITY, CPU_IN_USE, CPU_LEASED -> MetricsQuery.plain(raw.movePointLeft(3));
            default -> MetricsQuery.plain(raw);
        };
    }

    /** A bucket's part and whole of a utilisation: allocated (or allocated and reserved) and capacity. */
    static long[] ratio(Bucket b, Metric m) {
        return switch (m) {
            case GPU_UTILIZATION_LEASED -> leased(b.gpu());
            case GPU_UTILIZATION_LEASED_OR_RESERVED -> held(b.gpu());
            case CPU_UTILIZATION_LEASED -> leased(b.cpu());
            case CPU_UTILIZATION_LEASED_OR_RESERVED -> held(b.cpu());
            case MEMORY_UTILIZATION_LEASED -> leased(b.memory());
            case MEMORY_UTILIZATION_LEASED_OR_RESERVED -> held(b.memory());
            case STORAGE_UTILIZATION_LEASED -> leased(b.storage());
            case STORAGE_UTILIZATION_LEASED_OR_RESERVED -> held(b.storage());
            default -> throw new IllegalArgumentException(m + " is not a utilisation");
        };
    }

    private static long[] leased(Amounts a) {
        return new long[] {a.inUse(), a.capacity()};
    }

    private static long[] held(Amounts a) {
        return new long[] {Math.addExact(a.inUse(), a.reserved()), a.capacity()};
    }

    static PeriodMetrics summarize(
            Period p,
            List<Bucket> buckets,
            SortedMap<String, BigDecimal> revenue,
            SortedMap<String, BigDecimal> revenueUsd,
            SortedMap<String, Long> paid,
            PeriodMetrics.SinceGenesis sinceGenesis,
            List<String> unpriced,
            PeriodMetrics.PriceGaps priceGaps,
            GpuPrices gpuPrices,
            Leaderboard board,
            LeaseDurations durations) {
        Map<Metric, BigDecimal> v = new EnumMap<>(Metric.class);
        Map<Metric, BigDecimal> first = new EnumMap<>(Metric.class);
        Map<Metric, BigDecimal> last = new EnumMap<>(Metric.class);
        List<Bucket> withCapacity =
                buckets.stream().filter(Bucket::capacityData).toList();
        for (Metric m : Metric.values()) {
            // Capacity figures are over the buckets with capacity data only (Akash's daily series has no point for
            // a day without snapshots); with none at all they are unknown, not 0.
            List<Bucket> in = m.fromCapacity() ? withCapacity : buckets;
            switch (m.aggregation()) {
                case SUM -> {
                    BigDecimal sum = BigDecimal.ZERO;
                    for (Bucket b : buckets) {
                        sum = sum.add(b.value(m));
                    }
                    v.put(m, MetricsQuery.plain(sum));
                }
                case LAST ->
                    v.put(
                            m,
                            m == Metric.TOTAL_LEASES
                                    ? BigDecimal.valueOf(sinceGenesis.leases())
                                    : sinceGenesis.revenueUsd());
                case MEAN -> {
                    if (!in.isEmpty() || !m.fromCapacity()) {
                        BigDecimal sum = BigDecimal.ZERO;
                        for (Bucket b : in) {
                            sum = sum.add(BigDecimal.valueOf(raw(b, m)));
                        }
                        // In the metric's unit first (cores, not millicores), so the mean has 6 places there.
                        v.put(m, MetricsQuery.mean(scaled(m, sum), Math.max(1, in.size())));
                    }
                }
                case RATIO -> {
                    BigDecimal part = BigDecimal.ZERO;
                    BigDecimal whole = BigDecimal.ZERO;
                    for (Bucket b : in) {
                        long[] pw = ratio(b, m);
                        part = part.add(BigDecimal.valueOf(pw[0]));
                        whole = whole.add(BigDecimal.valueOf(pw[1]));
                    }
                    BigDecimal pct = MetricsQuery.percent(part, whole);
                    if (pct != null) {
                        v.put(m, pct);
                    }
                }
            }
            if (m.pointInTime() && !in.isEmpty()) {
                BigDecimal f = in.get(0).value(m);
                BigDecimal l = in.get(in.size() - 1).value(m);
                if (f != null) {
                    first.put(m, f);
                }
                if (l != null) {
                    last.put(m, l);
                }
            }
        }
        int nc = withCapacity.size();
        SortedMap<String, long[]> models = new TreeMap<>();
        for (Bucket b : withCapacity) {
            b.gpusByModel().forEach((m, cu) -> models.merge(m, cu.clone(), BucketFigures::add));
        }
        SortedMap<String, PeriodMetrics.Gpu> gpus = new TreeMap<>();
        models.forEach((m, cu) -> gpus.put(
                m,
                new PeriodMetrics.Gpu(
                        MetricsQuery.mean(cu[0], nc),
                        MetricsQuery.mean(cu[1], nc),
                        MetricsQuery.mean(cu[2], nc),
                        MetricsQuery.percent(cu[1], cu[0]),
                        MetricsQuery.percent(Math.addExact(cu[1], cu[2]), cu[0]))));
        return new PeriodMetrics(
                p,
                buckets,
                v,
                first,
                last,
                revenue,
                revenueUsd,
                paid,
                sinceGenesis,
                unpriced,
                gpus,
                buckets.size() - nc,
                priceGaps,
                gpuPrices,
                board,
                durations);
    }

    /** Element by element, overflow an error. */
    static long[] add(long[] a, long[] b) {
        long[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.addExact(out[i], b[i]);
        }
        return out;
    }
}

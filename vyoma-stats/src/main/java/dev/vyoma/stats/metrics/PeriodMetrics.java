package dev.vyoma.stats.metrics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One period's metrics: the resolved period, each bucket's values, the period's figure of every {@link Metric}
 * (null where unknown: capacity figures when no bucket has capacity data) with, for point-in-time metrics, its
 * first and last buckets' values (where the period started and ended: GPUs in use 359 → 553), the breakdowns
 * (revenue by denomination, GPUs by model), the totals since genesis at the period's end, how many buckets had no
 * capacity data (no provider status stored in their window: left out of the capacity means), the days whose
 * USD price was missing, GPU prices by model, the providers ranked by earnings, and how long the leases closed
 * in the period ran.
 */
public record PeriodMetrics(
        Period period,
        List<Bucket> buckets,
        Map<Metric, BigDecimal> values,
        Map<Metric, BigDecimal> firstValues,
        Map<Metric, BigDecimal> lastValues,
        SortedMap<String, BigDecimal> revenueMicroByDenom,
        SortedMap<String, BigDecimal> revenueUsdByDenom,
        SortedMap<String, Long> payoutsMicroByDenom,
        SinceGenesis sinceGenesis,
        List<String> unpricedDenoms,
        SortedMap<String, Gpu> gpusByModel,
        int capacityBucketsWithoutData,
        PriceGaps priceGaps,
        GpuPrices gpuPrices,
        Leaderboard providers,
        LeaseDurations leaseDurations) {
    /**
     * The days on which a denomination's revenue or payouts needed a USD price the table does not have, by
     * denomination, and the rule that filled them (0 USD, or the latest earlier price).
     */
    public record PriceGaps(PriceTable.MissingPrice rule, SortedMap<String, List<LocalDate>> days) {}

    /**
     * The period as resolved against the indexed chain: heights {@code [fromHeight, toHeight]}, times {@code
     * [startMillis, endMillis)}, whether the chain was indexed to its end, and its calendar name ({@code 2025-Q1}) or
     * null when it was given otherwise.
     */
    public record Period(
            long fromHeight, long toHeight, long startMillis, long endMillis, boolean complete, String name) {}

    /**
     * A model's period figures: mean capacity, mean allocated to leases, mean reserved by open bids, and the
     * utilisations in percent, leased and leased or reserved (null without capacity).
     */
    public record Gpu(
            BigDecimal capacity,
            BigDecimal inUse,
            BigDecimal reserved,
            BigDecimal utilizationLeasedPct,
            BigDecimal utilizationLeasedOrReservedPct) {}

    /**
     * Running totals from genesis to the period's last block: leases created, lease revenue accrued per denomination
     * (micro-units) and in USD (each day at its own price).
     */
    public record SinceGenesis(long leases, SortedMap<String, BigDecimal> revenueMicroByDenom, BigDecimal revenueUsd) {}

    /**
     * What providers' last status answers of a bucket sum to for one resource: offered (allocatable), allocated to
     * leases, and reserved by open bids (Akash's pending). CPU in millicores, memory and storage in bytes, GPUs in
     * units.
     */
    public record Amounts(long capacity, long inUse, long reserved) {
        public static final Amounts NONE = new Amounts(0, 0, 0);

        Amounts plus(Amounts o) {
            return new Amounts(
                    Math.addExact(capacity, o.capacity),
                    Math.addExact(inUse, o.inUse),
                    Math.addExact(reserved, o.reserved));
        }
    }

    /**
     * One bucket (a UTC day or hour, cut to the period): its heights {@code [lo, hi]} and its values. Lease figures
     * are read at its last block ({@code cpuMillis} … {@code gpusLeased}: the open leases' specs); revenue is what it
     * accrued, per denomination in micro-units and in USD; {@code totalLeases} and {@code totalRevenueUsd} run from
     * genesis to its last block. Capacity figures come from each active provider's last status answer ({@code
     * gpusByModel} holds {capacity, allocated, reserved} per model); without {@code capacityData} (no provider
     * status stored in the bucket's window) they are 0 and mean nothing.
     */
    public record Bucket(
            long startMillis,
            long endMillis,
            long lo,
            long hi,
            long newLeases,
            long activeLeases,
            long cpuMillis,
            long memoryBytes,
            long storageBytes,
            long gpusLeased,
            SortedMap<String, BigDecimal> revenueMicroByDenom,
            SortedMap<String, BigDecimal> revenueUsdByDenom,
            BigDecimal revenueUsd,
            BigDecimal payoutsUsd,
            long totalLeases,
            BigDecimal totalRevenueUsd,
            boolean capacityData,
            long activeProviders,
            long gpuCapacity,
            long gpusInUse,
            long gpusReserved,
            Amounts cpu,
            Amounts memory,
            Amounts storage,
            SortedMap<String, long[]> gpusByModel) {
        /** The GPU amounts as {@link Amounts}. */
        public Amounts gpu() {
            return new Amounts(gpuCapacity, gpusInUse, gpusReserved);
        }

        /**
         * The bucket's own value of {@code m}: a count or amount for sums and means (CPU in cores), a percentage for
         * ratios, the running total for totals since genesis; null where it has none (a capacity metric without
         * capacity data, a utilisation without capacity).
         */
        public BigDecimal value(Metric m) {
            if (m.fromCapacity() && !capacityData) {
                return null;
            }
            return switch (m.aggregation()) {
                case SUM -> m == Metric.NEW_LEASES ? BigDecimal.valueOf(newLeases) : sum(m);
                case LAST -> m == Metric.TOTAL_LEASES ? BigDecimal.valueOf(totalLeases) : totalRevenueUsd;
                case MEAN -> BucketFigures.scaled(m, BigDecimal.valueOf(BucketFigures.raw(this, m)));
                case RATIO -> {
                    long[] pw = BucketFigures.ratio(this, m);
                    yield MetricsQuery.percent(pw[0], pw[1]);
                }
            };
        }

        private BigDecimal sum(Metric m) {
            return m == Metric.REVENUE_USD ? revenueUsd : payoutsUsd;
        }
    }

    public BigDecimal value(Metric m) {
        return values.get(m);
    }

    /** The first bucket's value of a point-in-time metric (the first with capacity data for those); else null. */
    public BigDecimal first(Metric m) {
        return firstValues.get(m);
    }

    /** The last bucket's value of a point-in-time metric (the last with capacity data for those); else null. */
    public BigDecimal last(Metric m) {
        return lastValues.get(m);
    }
}

package dev.vyoma.stats.metrics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One period's metrics: the resolved period, each bucket's values, the period's figure of every {@link Metric}
 * (null where unknown: capacity figures when no bucket has capacity data), the breakdowns (revenue by
 * denomination, GPUs by model), and how many buckets had no capacity data (no provider status stored in their
 * window: left out of the capacity means), and the days whose USD price was missing.
 */
public record PeriodMetrics(
        Period period,
        List<Bucket> buckets,
        Map<Metric, BigDecimal> values,
        SortedMap<String, BigDecimal> revenueMicroByDenom,
        SortedMap<String, Long> payoutsMicroByDenom,
        List<String> unpricedDenoms,
        SortedMap<String, Gpu> gpusByModel,
        int capacityBucketsWithoutData,
        PriceGaps priceGaps) {
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
     * One bucket (a UTC day or hour, cut to the period): its heights {@code [lo, hi]} and its values; {@code
     * gpusByModel} holds {capacity, allocated, reserved} per model. Without {@code capacityData} (no provider
     * status stored in the bucket's window) the capacity values are 0 and mean nothing.
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
            BigDecimal revenueUsd,
            BigDecimal payoutsUsd,
            boolean capacityData,
            long activeProviders,
            long gpuCapacity,
            long gpusInUse,
            long gpusReserved,
            SortedMap<String, long[]> gpusByModel) {}

    public BigDecimal value(Metric m) {
        return values.get(m);
    }
}

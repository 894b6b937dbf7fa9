package dev.vyoma.stats.metrics;

/**
 * Every metric of a report, defined once: its key in JSON, its title and unit, and how a period's figure is made
 * from the per-bucket (per-day) values. docs/metrics.md gives the exact definitions and Akash's.
 */
public enum Metric {
    /** Leases created (LeaseCreated) in the bucket; a period's figure is the sum. */
    NEW_LEASES("newLeases", "New leases", "leases", Aggregation.SUM),
    /** Leases open at the bucket's last block (created at or before it, not closed at or before it); period: mean. */
    ACTIVE_LEASES("activeLeases", "Daily active leases", "leases", Aggregation.MEAN),
    /** Escrow payments accrued to providers in the bucket, in USD; period: sum. */
    REVENUE_USD("revenueUsd", "Lease revenue", "USD", Aggregation.SUM),
    /** Whole micro-units paid out to providers (EscrowPayment) in the bucket, in USD; period: sum. */
    PAYOUTS_USD("payoutsUsd", "Paid out to providers", "USD", Aggregation.SUM),
    /** GPUs providers offer (allocatable) in their last status of the bucket; period: mean. */
    GPU_CAPACITY("gpuCapacity", "GPU capacity", "GPUs", Aggregation.MEAN),
    /** GPUs allocated to leases in those statuses; period: mean. */
    GPUS_IN_USE("gpusInUse", "GPUs allocated to leases", "GPUs", Aggregation.MEAN),
    /** GPUs reserved by providers' open bids (not yet leased) in those statuses; period: mean. */
    GPUS_RESERVED("gpusReserved", "GPUs reserved by open bids", "GPUs", Aggregation.MEAN),
    /** GPUs allocated to leases over GPU capacity, in percent; period: sum of allocated over sum of capacity. */
    GPU_UTILIZATION_LEASED("gpuUtilizationLeasedPct", "GPU utilisation: leased", "%", Aggregation.RATIO),
    /**
     * GPUs allocated or reserved over GPU capacity, in percent: Akash's {@code gpuUtilization} ((active + pending) /
     * capacity); period: ratio of sums.
     */
    GPU_UTILIZATION_LEASED_OR_RESERVED(
            "gpuUtilizationLeasedOrReservedPct", "GPU utilisation: leased or reserved (Akash)", "%", Aggregation.RATIO),
    /** Registered providers whose status endpoint answered within the grace period before the bucket's end; mean. */
    ACTIVE_PROVIDERS("activeProviders", "Active providers", "providers", Aggregation.MEAN),
    /** CPU held by active leases at the bucket's last block, in cores; period: mean. */
    CPU_LEASED("cpuLeasedCores", "Compute leased", "cores", Aggregation.MEAN),
    /** Memory held by active leases at the bucket's last block; period: mean. */
    MEMORY_LEASED("memoryLeasedBytes", "Memory leased", "bytes", Aggregation.MEAN),
    /** Storage (every volume) held by active leases at the bucket's last block; period: mean. */
    STORAGE_LEASED("storageLeasedBytes", "Storage leased", "bytes", Aggregation.MEAN),
    /** GPUs held by active leases (from their specs) at the bucket's last block; period: mean. */
    GPUS_LEASED("gpusLeased", "GPUs leased", "GPUs", Aggregation.MEAN);

    /** How a period's figure is made from its buckets. */
    public enum Aggregation {
        SUM,
        MEAN,
        RATIO
    }

    private final String key;
    private final String title;
    private final String unit;
    private final Aggregation aggregation;

    Metric(String key, String title, String unit, Aggregation aggregation) {
        this.key = key;
        this.title = title;
        this.unit = unit;
        this.aggregation = aggregation;
    }

    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public String unit() {
        return unit;
    }

    public Aggregation aggregation() {
        return aggregation;
    }
}

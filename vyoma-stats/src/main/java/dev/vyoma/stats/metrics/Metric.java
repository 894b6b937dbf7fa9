package dev.vyoma.stats.metrics;

/**
 * Every metric of a report, defined once: its key in JSON, its title and unit, how a period's figure is made from
 * the per-bucket (per-day) values, and its definition in one sentence (what the reports print under "Definitions";
 * docs/metrics.md gives the exact rules and Akash's).
 */
public enum Metric {
    /** Leases created (LeaseCreated) in the bucket; a period's figure is the sum. */
    NEW_LEASES(
            "newLeases",
            "New leases",
            "leases",
            Aggregation.SUM,
            "leases created (LeaseCreated) in the period; Akash's dailyLeaseCount summed"),
    /** Leases open at the bucket's last block (created at or before it, not closed at or before it); period: mean. */
    ACTIVE_LEASES(
            "activeLeases",
            "Daily active leases",
            "leases",
            Aggregation.MEAN,
            "leases open at the last block of each day (created, not yet closed), averaged over the days;"
                    + " Akash's activeLeaseCount"),
    /** Escrow payments accrued to providers in the bucket, in USD; period: sum. */
    REVENUE_USD(
            "revenueUsd",
            "Lease revenue",
            "USD",
            Aggregation.SUM,
            "what leases accrued to providers (price per block × blocks billed, settled exactly at close), each"
                    + " day's amount at that day's USD price; Akash's dailyUUsdSpent summed"),
    /** Whole micro-units paid out to providers (EscrowPayment) in the bucket, in USD; period: sum. */
    PAYOUTS_USD(
            "payoutsUsd",
            "Paid out to providers",
            "USD",
            Aggregation.SUM,
            "escrow payments to providers (withdrawals and closes) in the period, in USD; the cash view of revenue"),
    /** Leases created since genesis, at the period's last block. */
    TOTAL_LEASES(
            "totalLeases",
            "Leases since genesis",
            "leases",
            Aggregation.LAST,
            "leases created from genesis to the period's last block; Akash's totalLeaseCount"),
    /** Lease revenue accrued since genesis, in USD (each day at its price), at the period's last block. */
    TOTAL_REVENUE_USD(
            "totalRevenueUsd",
            "Lease revenue since genesis",
            "USD",
            Aggregation.LAST,
            "lease revenue from genesis to the period's last block, each day at its USD price; Akash's"
                    + " totalUUsdSpent"),
    /** GPUs providers offer (allocatable) in their last status of the bucket; period: mean. */
    GPU_CAPACITY(
            "gpuCapacity",
            "GPU capacity",
            "GPUs",
            Aggregation.MEAN,
            "GPUs the active providers offer (allocatable) in their last status answer of each day, averaged;"
                    + " Akash's provider-graph-data gpu"),
    /** GPUs allocated to leases in those statuses; period: mean. */
    GPUS_IN_USE(
            "gpusInUse",
            "GPUs allocated to leases",
            "GPUs",
            Aggregation.MEAN,
            "GPUs those providers report allocated to leases, averaged over the days; Akash's active GPUs"),
    /** GPUs reserved by providers' open bids (not yet leased) in those statuses; period: mean. */
    GPUS_RESERVED(
            "gpusReserved",
            "GPUs reserved by open bids",
            "GPUs",
            Aggregation.MEAN,
            "GPUs those providers hold for their open bids (not leased yet), averaged; Akash's pending GPUs"),
    /** GPUs allocated to leases over GPU capacity, in percent; period: sum of allocated over sum of capacity. */
    GPU_UTILIZATION_LEASED(
            "gpuUtilizationLeasedPct",
            "GPU utilisation: leased",
            "%",
            Aggregation.RATIO,
            "GPUs allocated to leases over GPU capacity, summed over the days"),
    /**
     * GPUs allocated or reserved over GPU capacity, in percent: Akash's {@code gpuUtilization} ((active + pending) /
     * capacity); period: ratio of sums.
     */
    GPU_UTILIZATION_LEASED_OR_RESERVED(
            "gpuUtilizationLeasedOrReservedPct",
            "GPU utilisation: leased or reserved (Akash)",
            "%",
            Aggregation.RATIO,
            "GPUs allocated or reserved over GPU capacity, summed over the days; Akash's gpuUtilization"),
    /** Registered providers whose status endpoint answered within the grace period before the bucket's end; mean. */
    ACTIVE_PROVIDERS(
            "activeProviders",
            "Active providers",
            "providers",
            Aggregation.MEAN,
            "providers registered on chain that answered a status poll in the 3 hours before each day's end,"
                    + " averaged; Akash's provider-graph-data count"),
    /** CPU providers offer (allocatable) in their last status of the bucket, in cores; period: mean. */
    CPU_CAPACITY(
            "cpuCapacityCores",
            "CPU capacity",
            "cores",
            Aggregation.MEAN,
            "CPU the active providers offer (allocatable) in their last status of each day, averaged;"
                    + " Akash's provider-graph-data cpu"),
    /** CPU allocated to leases in those statuses, in cores; period: mean. */
    CPU_IN_USE(
            "cpuInUseCores",
            "CPU allocated to leases",
            "cores",
            Aggregation.MEAN,
            "CPU those providers report allocated to leases, averaged; Akash's active CPU"),
    /** CPU allocated over CPU capacity, in percent; period: ratio of sums. */
    CPU_UTILIZATION_LEASED(
            "cpuUtilizationLeasedPct",
            "CPU utilisation: leased",
            "%",
            Aggregation.RATIO,
            "CPU allocated to leases over CPU capacity, summed over the days"),
    /** CPU allocated or reserved over CPU capacity, in percent (Akash's formula); period: ratio of sums. */
    CPU_UTILIZATION_LEASED_OR_RESERVED(
            "cpuUtilizationLeasedOrReservedPct",
            "CPU utilisation: leased or reserved (Akash)",
            "%",
            Aggregation.RATIO,
            "CPU allocated or reserved over CPU capacity, summed over the days; Akash's CPU utilisation"),
    /** Memory providers offer in their last status of the bucket; period: mean. */
    MEMORY_CAPACITY(
            "memoryCapacityBytes",
            "Memory capacity",
            "bytes",
            Aggregation.MEAN,
            "memory the active providers offer (allocatable), averaged; Akash's provider-graph-data memory"),
    /** Memory allocated to leases in those statuses; period: mean. */
    MEMORY_IN_USE(
            "memoryInUseBytes",
            "Memory allocated to leases",
            "bytes",
            Aggregation.MEAN,
            "memory those providers report allocated to leases, averaged"),
    /** Memory allocated over memory capacity, in percent; period: ratio of sums. */
    MEMORY_UTILIZATION_LEASED(
            "memoryUtilizationLeasedPct",
            "Memory utilisation: leased",
            "%",
            Aggregation.RATIO,
            "memory allocated to leases over memory capacity, summed over the days"),
    /** Memory allocated or reserved over memory capacity, in percent (Akash's formula); period: ratio of sums. */
    MEMORY_UTILIZATION_LEASED_OR_RESERVED(
            "memoryUtilizationLeasedOrReservedPct",
            "Memory utilisation: leased or reserved (Akash)",
            "%",
            Aggregation.RATIO,
            "memory allocated or reserved over memory capacity, summed over the days"),
    /** Storage (every class) providers offer in their last status of the bucket; period: mean. */
    STORAGE_CAPACITY(
            "storageCapacityBytes",
            "Storage capacity",
            "bytes",
            Aggregation.MEAN,
            "storage the active providers offer (allocatable, every class), averaged; Akash's provider-graph-data"
                    + " storage"),
    /** Storage allocated to leases in those statuses; period: mean. */
    STORAGE_IN_USE(
            "storageInUseBytes",
            "Storage allocated to leases",
            "bytes",
            Aggregation.MEAN,
            "storage those providers report allocated to leases, averaged"),
    /** Storage allocated over storage capacity, in percent; period: ratio of sums. */
    STORAGE_UTILIZATION_LEASED(
            "storageUtilizationLeasedPct",
            "Storage utilisation: leased",
            "%",
            Aggregation.RATIO,
            "storage allocated to leases over storage capacity, summed over the days"),
    /** Storage allocated or reserved over storage capacity, in percent (Akash's formula); period: ratio of sums. */
    STORAGE_UTILIZATION_LEASED_OR_RESERVED(
            "storageUtilizationLeasedOrReservedPct",
            "Storage utilisation: leased or reserved (Akash)",
            "%",
            Aggregation.RATIO,
            "storage allocated or reserved over storage capacity, summed over the days"),
    /** CPU held by active leases at the bucket's last block, in cores; period: mean. */
    CPU_LEASED(
            "cpuLeasedCores",
            "Compute leased",
            "cores",
            Aggregation.MEAN,
            "CPU of the open leases' specs on chain at each day's last block, averaged; Akash's activeCPU"),
    /** Memory held by active leases at the bucket's last block; period: mean. */
    MEMORY_LEASED(
            "memoryLeasedBytes",
            "Memory leased",
            "bytes",
            Aggregation.MEAN,
            "memory of the open leases' specs on chain at each day's last block, averaged; Akash's activeMemory"),
    /** Storage (every volume) held by active leases at the bucket's last block; period: mean. */
    STORAGE_LEASED(
            "storageLeasedBytes",
            "Storage leased",
            "bytes",
            Aggregation.MEAN,
            "storage (every volume) of the open leases' specs on chain at each day's last block, averaged; Akash's"
                    + " activeStorage"),
    /** GPUs held by active leases (from their specs) at the bucket's last block; period: mean. */
    GPUS_LEASED(
            "gpusLeased",
            "GPUs leased",
            "GPUs",
            Aggregation.MEAN,
            "GPUs of the open leases' specs on chain at each day's last block, averaged; Akash's activeGPU");

    /** How a period's figure is made from its buckets. */
    public enum Aggregation {
        /** The sum over the buckets. */
        SUM,
        /** The mean over the buckets (point-in-time values, read at each bucket's end). */
        MEAN,
        /** A percentage: the sum of the parts over the sum of the wholes. */
        RATIO,
        /** The value at the period's last block (a running total since genesis). */
        LAST
    }

    private final String key;
    private final String title;
    private final String unit;
    private final Aggregation aggregation;
    private final String definition;

    Metric(String key, String title, String unit, Aggregation aggregation, String definition) {
        this.key = key;
        this.title = title;
        this.unit = unit;
        this.aggregation = aggregation;
        this.definition = definition;
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

    /** What the figure is, in one clause (docs/metrics.md has the exact rule). */
    public String definition() {
        return definition;
    }

    /**
     * Whether the metric is read at points in time (a mean or a ratio of per-bucket values), so that its first and
     * last buckets say where the period started and ended.
     */
    public boolean pointInTime() {
        return aggregation == Aggregation.MEAN || aggregation == Aggregation.RATIO;
    }

    /** Whether the metric comes from providers' status answers (left out for buckets without capacity data). */
    public boolean fromCapacity() {
        return switch (this) {
            case GPU_CAPACITY,
                    GPUS_IN_USE,
                    GPUS_RESERVED,
                    GPU_UTILIZATION_LEASED,
                    GPU_UTILIZATION_LEASED_OR_RESERVED,
                    ACTIVE_PROVIDERS,
                    CPU_CAPACITY,
                    CPU_IN_USE,
                    CPU_UTILIZATION_LEASED,
                    CPU_UTILIZATION_LEASED_OR_RESERVED,
                    MEMORY_CAPACITY,
                    MEMORY_IN_USE,
                    MEMORY_UTILIZATION_LEASED,
                    MEMORY_UTILIZATION_LEASED_OR_RESERVED,
                    STORAGE_CAPACITY,
                    STORAGE_IN_USE,
                    STORAGE_UTILIZATION_LEASED,
                    STORAGE_UTILIZATION_LEASED_OR_RESERVED -> true;
            default -> false;
        };
    }
}

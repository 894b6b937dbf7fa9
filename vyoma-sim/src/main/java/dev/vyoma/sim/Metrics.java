package dev.vyoma.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator measures, per simulated UTC day (0 is the quarter's first; the warm-up's days are
 * negative) and per resource ({@code cpu} for kinds without GPUs, else the GPU model): demand, leases, unmet
 * demand, time to lease, prices of new leases, and capacity samples. Ordered maps only, so that what is written
 * out is the same for the same run.
 */
final class Metrics {
    /** One day of one resource. */
    static final class Day {
        long requests;
        long filled;
        long unmet;
        long unmetGpuHoursMilli;
        long timeToLeaseSecondsSum;
        long timeToLeaseCount;
        long leases;
        long leaseUnits;
        /** Σ over new leases of price per unit-hour (USD per GPU-hour, or per CPU-hour), exact. */
        BigDecimal priceSum = BigDecimal.ZERO;

        long samples;
        long capacitySum;
        long allocatedSum;
        long reservedSum;
    }

    final Map<Integer, Map<String, Day>> days = new TreeMap<>();
    final List<Long> timesToLease = new ArrayList<>();
    final List<Long> timesToLeaseGpu = new ArrayList<>();
    long requests;
    long filled;
    long unmet;
    long interrupted;
    long notReplaced;
    long rejectedTxs;
    long txs;
    long msgs;
    long runOutCloses;
    long leasesCreated;
    long leasesCreatedInQuarter;
    long bidsCreated;
    long evaluations;

    Day day(int day, String resource) {
        return days.computeIfAbsent(day, d -> new TreeMap<>()).computeIfAbsent(resource, r -> new Day());
    }

    static BigDecimal ratio(long part, long whole, int scale) {
        if (whole == 0) {
            return null;
        }
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), scale, RoundingMode.HALF_EVEN);
    }

    /** The {@code p}-th percentile (0–100) of sorted values, nearest rank; null when empty. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

package dev.vyoma.stats;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.CapacitySnapshot.GpuModel;
import dev.vyoma.stats.capacity.CapacitySnapshot.Resource;
import java.util.List;

/** Status snapshots for the known-answer cases: fixed CPU, memory and storage, and one GPU model. */
final class Snapshots {
    private Snapshots() {}

    /** A successful poll of {@code provider} at {@code at} with {@code allocatable} H100s, {@code allocated} leased. */
    static CapacitySnapshot h100(Address provider, long at, long allocatable, long allocated) {
        return new CapacitySnapshot(
                provider,
                at,
                true,
                null,
                "declared",
                1,
                new Resource(16_000, 16_000, 2_000),
                new Resource(64L << 30, 64L << 30, 4L << 30),
                new Resource(1L << 40, 1L << 40, 10L << 30),
                List.of(new GpuModel(
                        "nvidia", "h100", "80Gi", "sxm", new Resource(allocatable, allocatable, allocated))));
    }
}

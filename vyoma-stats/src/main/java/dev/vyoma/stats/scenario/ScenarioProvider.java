package dev.vyoma.stats.scenario;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.CapacitySnapshot.Resource;
import dev.vyoma.stats.index.LeaseResources;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A provider of a calibrated scenario: what it declares (GPUs of one model, CPU, memory, storage), what its leases
 * use and its open bids hold, when it joins and when it is down, and the status answer it gives a poll.
 */
final class ScenarioProvider {
    private static final long MINUTE = 60_000L;

    final int number;
    final String name;
    final Address address;
    final LocalDate joins;
    String model;
    BigDecimal gpuUsdPerHour;
    final double cpuFactor;
    final long cpuMillis;
    final long memoryBytes;
    final long storageBytes;
    boolean registered;
    long gpus;
    long usedGpus;
    long usedCpu;
    long usedMemory;
    long usedStorage;
    long heldGpus;
    long heldCpu;
    long heldMemory;
    long heldStorage;

    ScenarioProvider(int number, ScriptedChain c, LocalDate joins, SplittableRandom rng, ScenarioSpec.Providers p) {
        this.number = number;
        this.name = String.format("provider-%03d", number);
        this.address = c.addr(name);
        this.joins = joins;
        this.cpuFactor = 0.8 + 0.4 * rng.nextDouble();
        ScenarioSpec.Range cores = p.cpuCores();
        // Cores are at most 100,000 (ScenarioSpec), so the width fits an int.
        this.cpuMillis = 1000L * (cores.low() + rng.nextInt((int) (cores.high() - cores.low() + 1)));
        this.memoryBytes = between(rng, p.memoryBytes());
        this.storageBytes = between(rng, p.storageBytes());
    }

    boolean fits(LeaseResources r, long extraGpus) {
        return usedCpu + heldCpu + r.cpuMillis() <= cpuMillis
                && usedMemory + heldMemory + r.memoryBytes() <= memoryBytes
                && usedStorage + heldStorage + r.storageBytes() <= storageBytes
                && usedGpus + heldGpus + extraGpus <= gpus;
    }

    void hold(LeaseResources r, int sign) {
        heldCpu += sign * r.cpuMillis();
        heldMemory += sign * r.memoryBytes();
        heldStorage += sign * r.storageBytes();
        heldGpus += sign * r.gpuUnits();
    }

    void use(LeaseResources r, int sign) {
        usedCpu += sign * r.cpuMillis();
        usedMemory += sign * r.memoryBytes();
        usedStorage += sign * r.storageBytes();
        usedGpus += sign * r.gpuUnits();
    }

    /** Whether one of {@code outages} has this provider down at time {@code t}. */
    boolean downAt(List<ScenarioSpec.Outage> outages, long t) {
        for (ScenarioSpec.Outage o : outages) {
            long from = o.from().toEpochMilli();
            if (o.provider() == number && t >= from && t < from + o.hours() * 60L * MINUTE) {
                return true;
            }
        }
        return false;
    }

    /** Its status answer at time {@code t}: capacity as declared, what leases use and what open bids hold. */
    CapacitySnapshot answer(long t) {
        List<CapacitySnapshot.GpuModel> models = model == null || gpus == 0
                ? List.of()
                : List.of(new CapacitySnapshot.GpuModel(
                        "nvidia", model, "", "", new Resource(gpus, gpus, usedGpus, heldGpus)));
        return new CapacitySnapshot(
                address,
                t,
                true,
                null,
                "declared",
                0,
                new Resource(cpuMillis, cpuMillis, usedCpu, heldCpu),
                new Resource(memoryBytes, memoryBytes, usedMemory, heldMemory),
                new Resource(storageBytes, storageBytes, usedStorage, heldStorage),
                models);
    }

    static long between(SplittableRandom rng, ScenarioSpec.Range range) {
        return range.low() + (long) (rng.nextDouble() * (range.high() - range.low()));
    }
}

package dev.vyoma.stats.index;

import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Volume;

/**
 * What a lease holds: the sums over its group's resource units of each resource times the unit's count, as
 * Akash's indexer fixes them at lease creation. Storage counts every volume, ephemeral and persistent.
 */
public record LeaseResources(long cpuMillis, long memoryBytes, long storageBytes, long gpuUnits) {
    /** The resources of a group spec. */
    public static LeaseResources of(GroupSpec spec) {
        long cpu = 0;
        long memory = 0;
        long storage = 0;
        long gpu = 0;
        for (ResourceUnit u : spec.resources()) {
            long n = u.count();
            cpu = Math.addExact(cpu, Math.multiplyExact(u.resources().cpu().millicores(), n));
            memory = Math.addExact(
                    memory, Math.multiplyExact(u.resources().memory().bytes(), n));
            for (Volume v : u.resources().storage()) {
                storage = Math.addExact(storage, Math.multiplyExact(v.bytes(), n));
            }
            gpu = Math.addExact(gpu, Math.multiplyExact(u.resources().gpu().units(), n));
        }
        return new LeaseResources(cpu, memory, storage, gpu);
    }
}

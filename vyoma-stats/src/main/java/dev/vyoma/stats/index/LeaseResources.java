package dev.vyoma.stats.index;

import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Volume;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a lease holds: the sums over its group's resource units of each resource times the unit's count, as
 * Akash's indexer fixes them at lease creation, and the GPU model its GPUs ask for. Storage counts every volume,
 * ephemeral and persistent. {@code gpuModel} is {@code "vendor model"} (e.g. {@code nvidia h100}) when every unit
 * with GPUs asks for that one model, empty otherwise: no GPU, or a choice of models (Akash's GPU prices likewise
 * read only bids whose GPU attributes name one model).
 */
public record LeaseResources(long cpuMillis, long memoryBytes, long storageBytes, long gpuUnits, String gpuModel) {
    /** The resources of a group spec. */
    public static LeaseResources of(GroupSpec spec) {
        long cpu = 0;
        long memory = 0;
        long storage = 0;
        long gpu = 0;
        Set<String> models = new TreeSet<>();
        for (ResourceUnit u : spec.resources()) {
            long n = u.count();
            cpu = Math.addExact(cpu, Math.multiplyExact(u.resources().cpu().millicores(), n));
            memory = Math.addExact(
                    memory, Math.multiplyExact(u.resources().memory().bytes(), n));
            for (Volume v : u.resources().storage()) {
                storage = Math.addExact(storage, Math.multiplyExact(v.bytes(), n));
            }
            long units = u.resources().gpu().units();
            gpu = Math.addExact(gpu, Math.multiplyExact(units, n));
            if (units > 0) {
                Set<String> asked = new TreeSet<>();
                for (Attribute a : u.resources().gpu().attributes()) {
                    asked.add(model(a));
                }
                // A unit with no model attribute, or several, leaves the group without one model.
                models.add(asked.size() == 1 ? asked.iterator().next() : "");
            }
        }
        String model = models.size() == 1 ? models.iterator().next() : "";
        return new LeaseResources(cpu, memory, storage, gpu, model);
    }

    /**
     * {@code vendor model} of an attribute {@code vendor/V/model/M[/ram/R][/interface/I]} = {@code true}; empty for
     * any other (e.g. {@code vendor/nvidia}: any model of the vendor).
     */
    static String model(Attribute a) {
        String[] p = a.key().split("/", -1);
        if (!a.value().equals("true")
                || p.length < 4
                || !p[0].equals("vendor")
                || !p[2].equals("model")
                || p[1].isEmpty()
                || p[3].isEmpty()) {
            return "";
        }
        return p[1] + " " + p[3];
    }
}

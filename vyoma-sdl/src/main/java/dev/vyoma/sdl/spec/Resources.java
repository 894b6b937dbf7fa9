package dev.vyoma.sdl.spec;

import java.util.List;
import java.util.Objects;

/** The resources of one replica of a resource unit, and the public endpoints the unit needs. */
public record Resources(int id, Cpu cpu, Memory memory, List<Volume> storage, Gpu gpu, List<Endpoint> endpoints) {
    public Resources {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(gpu, "gpu");
        storage = List.copyOf(storage);
        endpoints = List.copyOf(endpoints);
    }

    /** The same resources under another id and endpoint list. */
    public Resources with(int newId, List<Endpoint> newEndpoints) {
        return new Resources(newId, cpu, memory, storage, gpu, newEndpoints);
    }
}

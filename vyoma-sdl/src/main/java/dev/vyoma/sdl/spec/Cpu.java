package dev.vyoma.sdl.spec;

import java.util.List;

/** CPU per replica in millicores (1000 = one core), with optional attributes such as {@code arch}. */
public record Cpu(long millicores, List<Attribute> attributes) {
    public Cpu {
        attributes = List.copyOf(attributes);
    }
}

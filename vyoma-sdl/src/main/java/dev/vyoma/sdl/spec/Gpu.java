package dev.vyoma.sdl.spec;

import java.util.List;

/**
 * GPUs per replica. Attributes name acceptable models as {@code vendor/nvidia/model/<model>[/ram/<N>Gi]
 * [/interface/<pcie|sxm>]} with value {@code true}; listing several means any of them.
 */
public record Gpu(long units, List<Attribute> attributes) {
    /** No GPU. */
    public static final Gpu NONE = new Gpu(0, List.of());

    public Gpu {
        attributes = List.copyOf(attributes);
    }
}

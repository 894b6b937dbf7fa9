package dev.vyoma.sdl.spec;

import java.util.Objects;

/** Replicas of one set of resources in a group, and the price per block of one replica. */
public record ResourceUnit(Resources resources, int count, DecCoin price) {
    public ResourceUnit {
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(price, "price");
    }

    /** The price per block of all replicas. */
    public DecCoin fullPrice() {
        return price.times(count);
    }
}

package dev.vyoma.sdl.spec;

import java.util.List;
import java.util.Objects;

/** What a provider must offer to bid on a group: attributes (sorted by key) and auditor signatures. */
public record PlacementRequirements(SignedBy signedBy, List<Attribute> attributes) {
    public PlacementRequirements {
        Objects.requireNonNull(signedBy, "signedBy");
        attributes = List.copyOf(attributes);
    }
}

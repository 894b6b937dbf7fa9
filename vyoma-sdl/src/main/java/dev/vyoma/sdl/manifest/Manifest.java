package dev.vyoma.sdl.manifest;

import java.util.List;
import java.util.Optional;

/** A deployment's manifest: one entry per group, in the order of the group specs. */
public record Manifest(List<ManifestGroup> groups) {
    public Manifest {
        groups = List.copyOf(groups);
    }

    /** The group named {@code name}, if the manifest has it. */
    public Optional<ManifestGroup> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The version hash the deployment records on the ledger. */
    public ManifestVersion version() {
        return ManifestVersion.of(this);
    }
}

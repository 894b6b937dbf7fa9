package dev.vyoma.sdl.manifest;

import java.util.List;

/** A deployment's manifest: one entry per group, in the order of the group specs. */
public record Manifest(List<ManifestGroup> groups) {
    public Manifest {
        groups = List.copyOf(groups);
    }

    /** The version hash the deployment records on the ledger. */
    public ManifestVersion version() {
        return ManifestVersion.of(this);
    }
}

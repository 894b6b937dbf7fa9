package dev.vyoma.sdl.manifest;

import java.util.List;

/** The services of one deployment group, sorted by name. */
public record ManifestGroup(String name, List<ManifestService> services) {
    public ManifestGroup {
        services = List.copyOf(services);
    }

    /** The version of a manifest of this group alone: what one lease runs, so a change of it is an update. */
    public ManifestVersion version() {
        return new Manifest(List.of(this)).version();
    }
}

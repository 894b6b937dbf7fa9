package dev.vyoma.sdl.manifest;

import java.util.List;

/** The services of one deployment group, sorted by name. */
public record ManifestGroup(String name, List<ManifestService> services) {
    public ManifestGroup {
        services = List.copyOf(services);
    }
}

package dev.vyoma.sdl;

import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestVersion;
import dev.vyoma.sdl.spec.GroupSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid SDL, built: the group specs a deployment puts on the ledger, the manifest the tenant later
 * sends to its providers, the manifest's version hash that ties the two together, the optional minimum
 * reclamation window, and warnings about things Akash accepts but that are probably mistakes.
 */
public record SdlDocument(
        String source,
        SdlVersion sdlVersion,
        List<GroupSpec> groups,
        Manifest manifest,
        ManifestVersion manifestVersion,
        Optional<Duration> reclamationMinWindow,
        List<SdlError> warnings) {
    public SdlDocument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sdlVersion, "sdlVersion");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestVersion, "manifestVersion");
        Objects.requireNonNull(reclamationMinWindow, "reclamationMinWindow");
        groups = List.copyOf(groups);
        warnings = List.copyOf(warnings);
    }

    /** Number of services across all groups. */
    public int serviceCount() {
        return manifest.groups().stream().mapToInt(g -> g.services().size()).sum();
    }
}

package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlVersion;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.SignedBy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An SDL file decoded into typed values, each with its location for later errors. A field that failed to
 * decode is null (its error is already reported), so later checks skip it instead of piling up follow-on
 * errors. Maps are sorted by Go's string order where Akash iterates them sorted.
 */
record SdlInput(
        SdlVersion version,
        Loc versionLoc,
        Map<String, Service> services,
        Loc servicesLoc,
        Map<String, ComputeProfile> compute,
        Map<String, PlacementProfile> placement,
        Map<String, Map<String, DeploymentEntry>> deployment,
        Loc deploymentLoc,
        Map<String, EndpointDecl> endpoints,
        Reclamation reclamation,
        java.util.Set<String> failed) {

    /** Whether the entry at {@code path} exists in the file but had errors (already reported). */
    boolean failed(String path) {
        return failed.contains(path);
    }

    record Text(String value, Loc loc) {}

    record Service(
            String name,
            Loc loc,
            Text image,
            List<String> command,
            List<String> args,
            List<Text> env,
            List<Expose> expose,
            Params params,
            Credentials credentials) {}

    /** One SDL expose entry as written; {@code to} empty means not exposed to anything. */
    record Expose(
            Loc loc,
            Long port,
            Loc portLoc,
            Long as,
            Loc asLoc,
            Text proto,
            List<To> to,
            List<Text> accept,
            HttpIn http) {}

    /** {@code http_options} as written: numbers by field name (absent ones missing), and next_cases. */
    record HttpIn(Loc loc, Map<String, Num> numbers, List<Text> nextCases) {
        static final HttpIn NONE = new HttpIn(Loc.ROOT, Map.of(), null);
    }

    record Num(long value, Loc loc) {}

    record To(Loc loc, String service, boolean global, Text ip) {}

    record Params(
            Loc loc,
            Map<String, StorageMount> storage,
            List<String> permissionsRead,
            boolean hasPermissions,
            Text tee) {}

    record StorageMount(String volume, Loc loc, Text mount, boolean readOnly) {}

    record Credentials(Loc loc, String host, String email, String username, String password) {}

    record ComputeProfile(
            String name,
            Loc loc,
            Long cpuMillis,
            Loc cpuLoc,
            List<Attribute> cpuAttributes,
            Long memoryBytes,
            Loc memoryLoc,
            List<VolumeIn> storage,
            Loc storageLoc,
            Gpu gpu,
            Loc gpuLoc) {}

    record VolumeIn(String name, Loc loc, long bytes, List<Attribute> attributes) {
        String attribute(String key) {
            for (Attribute a : attributes) {
                if (a.key().equals(key)) {
                    return a.value();
                }
            }
            return "";
        }

        boolean hasAttributes() {
            return !attributes.isEmpty();
        }
    }

    /**
     * {@code pricing} holds the prices that decoded; {@code pricedProfiles} every profile named under
     * pricing, so a price with an error is not reported again as missing.
     */
    record PlacementProfile(
            String name,
            Loc loc,
            List<Attribute> attributes,
            SignedBy signedBy,
            Map<String, Price> pricing,
            java.util.Set<String> pricedProfiles) {}

    record Price(Loc loc, String denom, Loc denomLoc, BigDecimal amount) {}

    record DeploymentEntry(String service, String placement, Loc loc, Text profile, Long count, Loc countLoc) {}

    record EndpointDecl(String name, Loc loc, Text kind) {}

    record Reclamation(Loc loc, Duration minWindow) {}
}

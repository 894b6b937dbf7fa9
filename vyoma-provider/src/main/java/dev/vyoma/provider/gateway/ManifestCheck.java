package dev.vyoma.provider.gateway;

import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a manifest group asks for exactly what the lease pays for. The version hash ties a manifest to the
 * deployment, but the tenant chose both; so, as Akash's provider does, every service must name one of the
 * group's resource units and carry exactly its resources, and the services of each unit must together run
 * exactly its count of replicas. Otherwise a tenant could lease one CPU and run a hundred. It reads the same typed
 * group the runtime then runs ({@link dev.vyoma.sdl.manifest.ManifestReader} made it: every count is 1 or more,
 * every service name appears once), so what is checked is what runs.
 */
final class ManifestCheck {
    private ManifestCheck() {}

    /** Empty if {@code group} matches {@code spec}; otherwise what differs. */
    static Optional<String> againstGroup(ManifestGroup group, GroupSpec spec) {
        Map<Integer, ResourceUnit> units = new LinkedHashMap<>();
        for (ResourceUnit u : spec.resources()) {
            units.put(u.resources().id(), u);
        }
        Map<Integer, Long> replicas = new LinkedHashMap<>();
        for (ManifestService service : group.services()) {
            int id = service.resources().id();
            ResourceUnit unit = units.get(id);
            if (unit == null) {
                return Optional.of("service " + service.name() + " names resource unit " + id + ", which group "
                        + spec.name() + " on the chain does not have");
            }
            if (!canonical(service).equals(canonical(unit))) {
                return Optional.of("service " + service.name() + " asks for other resources than resource unit " + id
                        + " of group " + spec.name() + " on the chain");
            }
            if (service.count() < 1) {
                // The reader refuses such a manifest; a group built otherwise must not slip through as "none".
                return Optional.of("service " + service.name() + " runs " + service.count() + " replicas");
            }
            replicas.merge(id, (long) service.count(), Long::sum);
        }
        for (ResourceUnit u : spec.resources()) {
            int id = u.resources().id();
            long n = replicas.getOrDefault(id, 0L);
            if (n != u.count()) {
                return Optional.of("resource unit " + id + " of group " + spec.name() + " pays for " + u.count()
                        + " replica(s) but the manifest runs " + n);
            }
        }
        return Optional.empty();
    }

    private static String canonical(ManifestService service) {
        return JsonWriter.canonical(AkashJson.resources(service.resources()));
    }

    private static String canonical(ResourceUnit unit) {
        return JsonWriter.canonical(AkashJson.resources(unit.resources()));
    }
}

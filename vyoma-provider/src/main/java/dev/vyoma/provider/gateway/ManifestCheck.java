package dev.vyoma.provider.gateway;

import dev.vyoma.sdl.json.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether a manifest group asks for exactly what the lease pays for. The version hash ties a manifest to the
 * deployment, but the tenant chose both; so, as Akash's provider does, every service must name one of the
 * group's resource units and carry exactly its resources, and the services of each unit must together run
 * exactly its count of replicas. Otherwise a tenant could lease one CPU and run a hundred.
 */
final class ManifestCheck {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ManifestCheck() {}

    /** Empty if {@code group} (a manifest group as JSON) matches {@code spec}; otherwise what differs. */
    static Optional<String> againstGroup(JsonNode group, GroupSpec spec) {
        Map<Integer, ResourceUnit> units = new LinkedHashMap<>();
        for (ResourceUnit u : spec.resources()) {
            units.put(u.resources().id(), u);
        }
        Map<Integer, Integer> replicas = new LinkedHashMap<>();
        for (JsonNode service : group.path("services")) {
            String name = service.path("name").asString();
            JsonNode resources = service.path("resources");
            int id = resources.path("id").asInt(-1);
            ResourceUnit unit = units.get(id);
            if (unit == null) {
                return Optional.of("service " + name + " names resource unit " + id + ", which group " + spec.name()
                        + " on the chain does not have");
            }
            if (!canonical(resources).equals(canonical(AkashJson.resources(unit.resources())))) {
                return Optional.of("service " + name + " asks for other resources than resource unit " + id
                        + " of group " + spec.name() + " on the chain");
            }
            replicas.merge(id, Math.max(0, service.path("count").asInt(1)), Integer::sum);
        }
        for (ResourceUnit u : spec.resources()) {
            int id = u.resources().id();
            int n = replicas.getOrDefault(id, 0);
            if (n != u.count()) {
                return Optional.of("resource unit " + id + " of group " + spec.name() + " pays for " + u.count()
                        + " replica(s) but the manifest runs " + n);
            }
        }
        return Optional.empty();
    }

    private static String canonical(Object tree) {
        // A round trip through JSON, so numbers read back the same from both sides.
        Object normal = JSON.readValue(
                tree instanceof JsonNode n ? JSON.writeValueAsString(n) : JsonWriter.compact(tree), Object.class);
        return JsonWriter.canonical(normal);
    }
}

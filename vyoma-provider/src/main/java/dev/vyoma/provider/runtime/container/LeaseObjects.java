package dev.vyoma.provider.runtime.container;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and labels of a lease's objects in the engine. Names come from a hash of the provider (owner) and
 * the lease, so they are short, valid engine names whatever the lease id, and two providers sharing an engine
 * never collide. Labels carry the owner, lease id, service, replica index and manifest version on every object:
 * that is how {@link ContainerRuntime#adopt} and {@link ContainerRuntime#removeOrphans} find them again.
 */
record LeaseObjects(String owner, String lease, String key) {
    static final String OWNER = "dev.vyoma.owner";
    static final String LEASE = "dev.vyoma.lease";
    static final String SERVICE = "dev.vyoma.service";
    static final String REPLICA = "dev.vyoma.replica";
    static final String VERSION = "dev.vyoma.manifest-version";
    /** Hex digits of the manifest version in a container's name. */
    static final int VERSION_CHARS = 12;

    static LeaseObjects of(String owner, String lease) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((owner + "\n" + lease).getBytes(StandardCharsets.UTF_8));
            return new LeaseObjects(owner, lease, HexFormat.of().formatHex(h, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    String network() {
        return "vyoma-" + key;
    }

    /**
     * The container of replica {@code index} of {@code service} in manifest {@code version}: a rolling update runs
     * the new version's replicas beside the old ones, so the version is part of the name.
     */
    String container(String version, String service, int index) {
        return replica(service, index) + "-" + version.substring(0, Math.min(VERSION_CHARS, version.length()));
    }

    /** A replica's persistent volume, the same for every manifest version (an update keeps the data). */
    String volume(String service, int index, String volume) {
        return replica(service, index) + "-" + volume;
    }

    private String replica(String service, int index) {
        return "vyoma-" + key + "-" + service + "-" + index;
    }

    /** The labels of the lease's network. */
    Map<String, String> labels(String version) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(OWNER, owner);
        m.put(LEASE, lease);
        m.put(VERSION, version);
        return m;
    }

    /** The labels of one replica's container and volumes. */
    Map<String, String> labels(String version, String service, int index) {
        Map<String, String> m = labels(version);
        m.put(SERVICE, service);
        m.put(REPLICA, Integer.toString(index));
        return m;
    }

    /** The engine's label filter for everything of this owner. */
    static Map<String, String> ownedBy(String owner) {
        return Map.of(OWNER, owner);
    }
}

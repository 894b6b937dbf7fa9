package dev.vyoma.provider.runtime.container;

import dev.vyoma.client.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The manifest each lease runs, kept under {@code state/containers/<key>/} (the key from {@link LeaseObjects}):
 * labels say which containers belong to which lease, but only the manifest says what should run, so a restarted
 * provider can recreate a replica whose container is gone and route the lease's ports again; and each replica's
 * restarts and last exit reason, so that they survive the provider's restart. Written atomically.
 */
final class LeaseStore {
    /** A stored manifest larger than this is not read back (the SDL itself is capped at 1 MiB). */
    static final long MAX_MANIFEST_BYTES = 4L << 20;
    /** A stored health file larger than this is not read back (a lease's replicas need a few KiB). */
    static final long MAX_HEALTH_BYTES = 1L << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;
    private final String owner;

    LeaseStore(Path state, String owner) throws IOException {
        this.root = state.resolve("containers").toAbsolutePath().normalize();
        this.owner = owner;
        Files.createDirectories(root);
    }

    /** Stores the lease's manifest, readable by this user only: it may hold registry credentials. */
    void save(String lease, byte[] manifest) throws IOException {
        Path dir = dir(lease);
        Files.createDirectories(dir);
        write(dir.resolve("lease"), lease.getBytes(StandardCharsets.UTF_8));
        dev.vyoma.client.SecretFiles.write(dir.resolve("manifest.json"), manifest);
    }

    Optional<byte[]> manifest(String lease) throws IOException {
        Path f = dir(lease).resolve("manifest.json");
        if (!Files.isRegularFile(f) || Files.size(f) > MAX_MANIFEST_BYTES) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(f));
    }

    /**
     * Keeps how often each of the lease's replicas was restarted and why it last stopped, by container name, so that
     * a restarted provider reports the same: container labels cannot change after the container is made.
     */
    void saveHealth(String lease, Map<String, ReplicaHealth> health) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        health.forEach((name, h) -> out.putObject(name)
                .put("restarts", h.restarts())
                .put("lastExit", h.lastExit())
                .put("crashes", h.crashes()));
        Path dir = dir(lease);
        Files.createDirectories(dir);
        write(dir.resolve("health.json"), JSON.writeValueAsBytes(out));
    }

    /**
     * What {@link #saveHealth} kept for the lease, read back as input: bounded, counts not negative, reasons cut to
     * {@link Reconciler#MAX_REASON_CHARS}; empty if there is none or it cannot be read.
     */
    Map<String, ReplicaHealth> health(String lease) throws IOException {
        Path f = dir(lease).resolve("health.json");
        Map<String, ReplicaHealth> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(f) || Files.size(f) > MAX_HEALTH_BYTES) {
            return out;
        }
        try {
            JSON.readTree(Files.readAllBytes(f)).properties().forEach(e -> {
                JsonNode h = e.getValue();
                int restarts = h.path("restarts").asInt(0);
                int crashes = h.path("crashes").asInt(0);
                if (restarts >= 0 && crashes >= 0 && e.getKey().length() <= 256) {
                    String exit = Reconciler.bounded(h.path("lastExit").asString(""));
                    out.put(e.getKey(), new ReplicaHealth(restarts, exit, crashes, null, null));
                }
            });
        } catch (JacksonException e) {
            return Map.of();
        }
        return out;
    }

    /** A stored GPU assignment larger than this is not read back (a lease's replicas need a few KiB). */
    static final long MAX_GPUS_BYTES = 1L << 20;

    /**
     * Keeps which GPUs (CDI names) the lease's replicas hold, by replica key ({@link GpuAllocator}), so that a
     * restarted provider gives each lease the same GPUs; none: the file goes.
     */
    void saveGpus(String lease, Map<String, java.util.List<String>> gpus) throws IOException {
        Path dir = dir(lease);
        if (gpus.isEmpty()) {
            Files.deleteIfExists(dir.resolve("gpus.json"));
            return;
        }
        ObjectNode out = JSON.createObjectNode().put("lease", lease);
        ObjectNode slots = out.putObject("replicas");
        gpus.forEach((key, names) -> names.forEach(slots.putArray(key)::add));
        Files.createDirectories(dir);
        write(dir.resolve("gpus.json"), JSON.writeValueAsBytes(out));
    }

    /**
     * Every lease's GPUs as {@link #saveGpus} kept them, read back as input: a file not written for its own
     * lease's directory, too large or unreadable is skipped; the CDI names are checked by their reader.
     */
    Map<String, Map<String, java.util.List<String>>> gpus() throws IOException {
        Map<String, Map<String, java.util.List<String>>> out = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("gpus.json");
                if (!Files.isRegularFile(f) || Files.size(f) > MAX_GPUS_BYTES) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(Files.readAllBytes(f));
                    String lease = n.path("lease").asString("");
                    if (lease.isEmpty() || lease.length() > 256) {
                        continue;
                    }
                    PlanChecks.lease(lease);
                    if (!dir(lease).equals(d.toAbsolutePath().normalize())) {
                        continue;
                    }
                    Map<String, java.util.List<String>> slots = new LinkedHashMap<>();
                    n.path("replicas").properties().forEach(e -> {
                        java.util.List<String> names = new java.util.ArrayList<>();
                        e.getValue().forEach(v -> names.add(v.asString("")));
                        slots.put(e.getKey(), java.util.List.copyOf(names));
                    });
                    out.put(lease, slots);
                } catch (JacksonException | ManifestRefused | IllegalStateException e) {
                    // Not a file this store wrote: the lease's GPUs are assigned afresh.
                }
            }
        }
        return out;
    }

    /** The leases with a stored manifest. */
    Set<String> leases() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                Path f = d.resolve("lease");
                if (Files.isRegularFile(f) && Files.size(f) <= 512) {
                    String lease = Files.readString(f, StandardCharsets.UTF_8).strip();
                    // A directory not named from its own lease was not written here.
                    if (dir(lease).equals(d.toAbsolutePath().normalize())) {
                        out.add(lease);
                    }
                }
            }
        }
        return out;
    }

    void delete(String lease) throws IOException {
        Path dir = dir(lease);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path dir(String lease) {
        Path d = root.resolve(LeaseObjects.of(owner, lease).key()).normalize();
        if (!d.getParent().equals(root)) {
            throw new IllegalStateException("lease directory " + d + " is outside " + root);
        }
        return d;
    }

    private static void write(Path f, byte[] bytes) throws IOException {
        AtomicFiles.replace(f, bytes);
    }
}

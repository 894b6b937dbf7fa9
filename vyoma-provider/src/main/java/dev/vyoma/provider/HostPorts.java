package dev.vyoma.provider;

import dev.vyoma.client.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The host port given to each forwarded {@code lease/service/port}, kept in {@code routes.json} so that a restarted
 * provider forwards the same ports. The file is read back as input: bounded, and only ports a forwarder can listen
 * on. Not thread-safe: its owner calls it under its lock.
 */
final class HostPorts {
    private static final Logger LOG = LoggerFactory.getLogger(HostPorts.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The largest {@code routes.json} read back; a provider at full load writes far less. */
    static final int MAX_FILE_BYTES = 4 << 20;
    /** The longest {@code lease/service/port} key read back. */
    static final int MAX_KEY_CHARS = 512;

    private final Path file;
    private final Map<String, Integer> ports = new TreeMap<>();
    private boolean changed;

    /** The ports kept in {@code state/routes.json}; a file that cannot be read is logged and ports are given anew. */
    HostPorts(Path state) throws IOException {
        Files.createDirectories(state);
        this.file = state.resolve("routes.json");
        if (Files.isRegularFile(file)) {
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IOException("over " + MAX_FILE_BYTES + " bytes");
                }
                JSON.readTree(Files.readAllBytes(file)).properties().forEach(e -> {
                    int port = e.getValue().asInt(0);
                    if (port >= 1 && port <= 65535 && e.getKey().length() <= MAX_KEY_CHARS) {
                        ports.put(e.getKey(), port);
                    }
                });
            } catch (IOException | tools.jackson.core.JacksonException e) {
                LOG.warn("{} cannot be read ({}); host ports are given out anew", file, e.getMessage());
                ports.clear();
            }
        }
    }

    /** The key of a forwarded port. */
    static String key(String lease, String service, int port) {
        return lease + "/" + service + "/" + port;
    }

    /** The host port {@code key} had, if any. */
    Optional<Integer> get(String key) {
        return Optional.ofNullable(ports.get(key));
    }

    void put(String key, int port) {
        if (!Integer.valueOf(port).equals(ports.put(key, port))) {
            changed = true;
        }
    }

    void remove(String key) {
        if (ports.remove(key) != null) {
            changed = true;
        }
    }

    /** Forgets the ports of every lease not in {@code leases}: they are free again. */
    void retainLeases(Set<String> leases) {
        if (ports.keySet().removeIf(k -> leases.stream().noneMatch(l -> k.startsWith(l + "/")))) {
            changed = true;
        }
    }

    /** Writes the ports out (atomically) if they changed since the last save. */
    void save() throws IOException {
        if (!changed) {
            return;
        }
        AtomicFiles.replace(file, JSON.writeValueAsBytes(ports));
        changed = false;
    }
}

package dev.vyoma.provider.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a lease's services as local processes, for devnets and single machines (containers cannot run here).
 * Each replica of each service of the manifest starts from its image's entry in the {@link ImageTable},
 * with the service's env, and listens on a host port chosen now (given to it as {@code PORT}). What runs is
 * written under {@code state/leases/}: process id, command and port per replica. So a provider that
 * restarts re-adopts its running processes instead of starting them twice ({@link #adopt}), and removes
 * those of leases that ended while it was down ({@link #removeOrphans}). Thread-safe.
 */
public final class ProcessRuntime {
    /** One running replica: its service, index, process, host port, and where its output goes. */
    public record Replica(String service, int index, long pid, int port, Path log) {}

    /** What a lease's services are doing. */
    public record LeaseStatus(String lease, int ready, int total, List<Replica> replicas, String problem) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ImageTable images;
    private final Path state;
    private final Map<String, List<Replica>> leases = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    public ProcessRuntime(ImageTable images, Path state) throws IOException {
        this.images = images;
        this.state = state.resolve("leases");
        Files.createDirectories(this.state);
    }

    /**
     * Starts every replica of every service in {@code manifest} (Akash's manifest JSON: a list of groups with
     * services) for {@code lease}. A lease already running is left as it is. An image the table cannot run
     * starts nothing, and the lease's status says which image it is.
     */
    public synchronized LeaseStatus deploy(String lease, JsonNode manifest) throws IOException {
        if (leases.containsKey(lease)) {
            return status(lease);
        }
        List<JsonNode> services = new ArrayList<>();
        for (JsonNode group : manifest) {
            for (JsonNode s : group.path("services")) {
                services.add(s);
            }
        }
        for (JsonNode s : services) {
            String image = s.path("image").asString();
            if (images.resolve(image).isEmpty()) {
                problems.put(
                        lease, "image " + image + " cannot run on this provider (its image table has no entry for it)");
                leases.put(lease, List.of());
                return status(lease);
            }
        }
        Path dir = state.resolve(dirName(lease));
        Files.createDirectories(dir);
        List<Replica> started = new ArrayList<>();
        try {
            for (JsonNode s : services) {
                int count = Math.max(1, s.path("count").asInt(1));
                for (int i = 0; i < count; i++) {
                    started.add(start(lease, dir, s, i));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Replica r : started) {
                ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
            throw e;
        }
        leases.put(lease, started);
        problems.remove(lease);
        return status(lease);
    }

    private Replica start(String lease, Path dir, JsonNode service, int index) throws IOException {
        String name = service.path("name").asString();
        ImageTable.Entry entry =
                images.resolve(service.path("image").asString()).orElseThrow();
        int port = freePort();
        List<String> command = new ArrayList<>();
        if (entry.builtin() != null) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(
                    "-Xmx64m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path")));
            command.addAll(List.of(StaticWebServer.class.getName(), "--port", Integer.toString(port), "--title", name));
        } else {
            command.addAll(entry.command());
            for (JsonNode c : service.path("command")) {
                command.add(c.asString());
            }
            for (JsonNode a : service.path("args")) {
                command.add(a.asString());
            }
        }
        Path log = dir.resolve(name + "-" + index + ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (JsonNode e : service.path("env")) {
            String kv = e.asString();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("VYOMA_LEASE", lease);
        Process p = pb.start();
        Replica r = new Replica(name, index, p.pid(), port, log);
        ObjectNode record = JSON.createObjectNode();
        record.put("service", name);
        record.put("index", index);
        record.put("pid", p.pid());
        record.put("port", port);
        record.put("command", String.join(" ", command));
        Files.writeString(dir.resolve(name + "-" + index + ".json"), JSON.writeValueAsString(record));
        return r;
    }

    /** Ready replicas are those whose process is alive and whose port accepts connections. */
    public synchronized LeaseStatus status(String lease) {
        List<Replica> rs = leases.getOrDefault(lease, List.of());
        int ready = 0;
        for (Replica r : rs) {
            if (alive(r) && listening(r.port())) {
                ready++;
            }
        }
        return new LeaseStatus(lease, ready, rs.size(), rs, problems.getOrDefault(lease, ""));
    }

    /** Stops a lease's processes and forgets them. */
    public synchronized void teardown(String lease) throws IOException {
        for (Replica r : leases.getOrDefault(lease, List.of())) {
            ProcessHandle.of(r.pid()).ifPresent(h -> {
                h.destroy();
                try {
                    h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
        leases.remove(lease);
        problems.remove(lease);
        deleteTree(state.resolve(dirName(lease)));
    }

    /**
     * After a restart: takes back the replicas recorded under {@code state/leases/} whose processes still
     * run the recorded command; returns the leases found. Replicas whose process is gone are left for the
     * lease manager to deploy again.
     */
    public synchronized Set<String> adopt() throws IOException {
        Set<String> found = new java.util.LinkedHashSet<>();
        try (Stream<Path> dirs = Files.list(state)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String lease = leaseName(dir.getFileName().toString());
                List<Replica> rs = new ArrayList<>();
                boolean complete = true;
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json"))
                            .sorted()
                            .toList()) {
                        JsonNode n = JSON.readTree(Files.readString(f));
                        long pid = n.path("pid").asLong();
                        Optional<ProcessHandle> h = ProcessHandle.of(pid);
                        boolean same = h.isPresent()
                                && h.get().isAlive()
                                && h.get()
                                        .info()
                                        .commandLine()
                                        .map(cl -> cl.contains(
                                                n.path("command").asString().split(" ")[0]))
                                        .orElse(true);
                        if (!same) {
                            complete = false;
                            continue;
                        }
                        Path log = dir.resolve(n.path("service").asString() + "-"
                                + n.path("index").asInt() + ".log");
                        rs.add(new Replica(
                                n.path("service").asString(),
                                n.path("index").asInt(),
                                pid,
                                n.path("port").asInt(),
                                log));
                    }
                }
                if (complete && !rs.isEmpty()) {
                    leases.put(lease, rs);
                    found.add(lease);
                } else {
                    for (Replica r : rs) {
                        ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    }
                    deleteTree(dir);
                }
            }
        }
        return found;
    }

    /** Stops the processes of every lease not in {@code active} (leases that ended while the provider was away). */
    public synchronized List<String> removeOrphans(Set<String> active) throws IOException {
        List<String> removed = new ArrayList<>();
        for (String lease : new ArrayList<>(leases.keySet())) {
            if (!active.contains(lease)) {
                teardown(lease);
                removed.add(lease);
            }
        }
        return removed;
    }

    /** Leases this runtime runs. */
    public synchronized Set<String> leases() {
        return Set.copyOf(leases.keySet());
    }

    private static boolean alive(Replica r) {
        return ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String dirName(String lease) {
        return lease.replace('/', '_');
    }

    private static String leaseName(String dir) {
        return dir.replace('_', '/');
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

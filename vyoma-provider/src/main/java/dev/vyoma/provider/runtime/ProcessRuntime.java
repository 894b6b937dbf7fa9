package dev.vyoma.provider.runtime;

import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestLimits;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.ManifestVersion;
import dev.vyoma.sdl.manifest.ServiceExpose;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a lease's services as local processes, for devnets and single machines (containers cannot run here).
 * Each replica of each service of the manifest starts from its image's entry in the {@link ImageTable},
 * in a directory of its own inside its lease's directory, from an empty environment: the service's env (only for
 * a command entry; the built-in server and java entries run this provider's code and take their settings as
 * arguments), then {@code PORT}, {@code PORT_<port>}, {@code VYOMA_LEASE}, {@code HOME} and a minimal {@code PATH}.
 * Nothing of the provider's own environment (a keyring passphrase, JVM options) reaches a replica. Each port
 * the service exposes gets a host port chosen now: the replica finds the first in {@code PORT} and each in
 * {@code PORT_<port>} (for example {@code PORT_3306}).
 *
 * <p>What runs is written under {@code state/leases/<lease>/}: the manifest group, and per replica a record
 * (process id and start time, command, ports) in {@code replicas/}, its output in {@code logs/} and its working
 * directory in {@code work/}; every one of these paths comes from {@link LeaseDirs}, which checks the lease id and
 * the names it is built from. So a provider that restarts re-adopts its running processes instead of starting them
 * twice ({@link #adopt}), and removes those of leases that ended while it was down ({@link #removeOrphans}). A
 * manifest with a new version (the tenant updated the deployment) replaces the lease's processes.
 *
 * <p>Each replica is held to its service's SDL resources as far as the host allows without root tricks ({@link
 * Confinement}: resource limits and a lower CPU priority always, a cgroup with CPU, memory and task limits on a
 * cgroup v2 host), and stopping it stops what it started. None of this isolates a hostile tenant: the commands run
 * as the provider's own user, so the provider serves this runtime beyond loopback only when its operator says so
 * ({@link #checkExposure}). Thread-safe.
 */
public final class ProcessRuntime implements WorkloadRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The {@code PATH} a replica starts with: the system's programs, nothing of the provider's own. */
    public static final String REPLICA_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** The longest log line passed on whole; a longer one (or output that never ends a line) comes in pieces. */
    public static final int MAX_LOG_LINE_CHARS = 16 * 1024;

    /** The largest replica record read back from disk; a real one is a few hundred bytes. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    private final ImageTable images;
    private final LeaseDirs dirs;
    private final Confinement confinement;
    private final Map<String, List<Replica>> leases = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private final Map<String, ManifestGroup> groups = new LinkedHashMap<>();

    /** Runs the images of {@code images}, keeping its records under {@code state}, confined as this host allows. */
    public ProcessRuntime(ImageTable images, Path state) throws IOException {
        this(images, state, Confinement.detect());
    }

    ProcessRuntime(ImageTable images, Path state, Confinement confinement) throws IOException {
        this.images = images;
        this.dirs = new LeaseDirs(state.resolve("leases"));
        this.confinement = confinement;
    }

    /**
     * Refuses to serve tenants beyond this machine unless the operator accepts it: this runtime runs tenants'
     * commands as the provider's own user, so by default the ingress ({@code ingressHost}) and the forwarded ports
     * ({@code forwardHost}, the ingress domain) must listen on loopback only. An {@link IllegalStateException} says
     * what to change.
     */
    public static void checkExposure(String ingressHost, String forwardHost, boolean allowed) {
        if (allowed) {
            return;
        }
        for (String[] where : List.of(
                new String[] {"ingress", ingressHost}, new String[] {"ingressDomain (forwarded ports)", forwardHost})) {
            if (!loopback(where[1])) {
                throw new IllegalStateException(
                        "the process runtime runs tenants' commands as this provider's own user ("
                                + System.getProperty("user.name") + "), so it serves only this machine, and " + where[0]
                                + " "
                                + where[1]
                                + " is not a loopback address; use 127.0.0.1 / localhost, or accept the risk with"
                                + " allowProcessRuntime: true in provider.yaml (ProviderMain --allow-process-runtime)");
            }
        }
    }

    /** Whether every address {@code host} names is a loopback address (an unknown name is not). */
    private static boolean loopback(String host) {
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host);
            return all.length > 0 && java.util.Arrays.stream(all).allMatch(java.net.InetAddress::isLoopbackAddress);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** What this host enforces on replicas (see {@link Confinement}). */
    public String confinement() {
        return confinement.describe();
    }

    /**
     * Starts every replica of every service of {@code group} for {@code lease}. A lease already running the same
     * group is left as it is. An image the table cannot run starts nothing, and the lease's status says which image
     * it is.
     */
    @Override
    public synchronized LeaseStatus deploy(String lease, ManifestGroup group) throws IOException {
        Path dir = dirs.lease(lease);
        String version = group.version().hex();
        if (leases.containsKey(lease)) {
            if (version.equals(versions.get(lease))) {
                return status(lease);
            }
            // An update: the new manifest replaces what runs.
            teardown(lease);
        }
        for (ManifestService s : group.services()) {
            if (images.resolve(s.image()).isEmpty()) {
                problems.put(
                        lease,
                        "image " + s.image() + " cannot run on this provider (its image table has no entry for it)");
                leases.put(lease, List.of());
                versions.put(lease, version);
                groups.put(lease, group);
                return status(lease);
            }
        }
        Files.createDirectories(dir);
        List<Replica> started = new ArrayList<>();
        try {
            for (ManifestService s : group.services()) {
                // The manifest reader allows 1 to ManifestLimits.MAX_COUNT; nothing else is started.
                if (s.count() < 1 || s.count() > ManifestLimits.MAX_COUNT) {
                    throw new IllegalArgumentException("service " + s.name() + " asks for " + s.count() + " replicas");
                }
                for (int i = 0; i < s.count(); i++) {
                    started.add(start(lease, dir, s, i));
                }
            }
            Files.writeString(
                    dirs.file(dir, "manifest.json"), ManifestVersion.canonicalJson(new Manifest(List.of(group))));
        } catch (IOException | RuntimeException e) {
            for (Replica r : started) {
                stop(r.pid());
            }
            confinement.releaseAll(dir.getFileName() + ".");
            deleteTree(dir);
            throw e;
        }
        leases.put(lease, started);
        versions.put(lease, version);
        groups.put(lease, group);
        problems.remove(lease);
        return status(lease);
    }

    private Replica start(String lease, Path dir, ManifestService service, int index) throws IOException {
        String name = service.name();
        ImageTable.Entry entry = images.resolve(service.image()).orElseThrow();
        Path work = dirs.replica(dir, "work", name, index, "");
        Path log = dirs.replica(dir, "logs", name, index, ".log");
        Path recordFile = dirs.replica(dir, "replicas", name, index, ".json");
        Files.createDirectories(work);
        Files.createDirectories(log.getParent());
        Files.createDirectories(recordFile.getParent());
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (ServiceExpose e : service.expose()) {
            if (!ports.containsKey(e.port())) {
                ports.put(e.port(), freePort());
            }
        }
        int port = ports.isEmpty() ? freePort() : ports.values().iterator().next();
        List<String> command = new ArrayList<>();
        // Tenant variables reach a command the image table names, and a java entry only those its operator listed
        // (never one the JVM reads itself): the JVM runs this provider's own classes, where JAVA_TOOL_OPTIONS and
        // its kind would be options of the provider's code (-XX:OnOutOfMemoryError runs a shell command). The
        // built-in web server gets its settings as arguments.
        java.util.function.Predicate<String> tenantEnv = variable -> false;
        if (entry.builtin() != null) {
            command.addAll(providerJvm("-Xmx64m"));
            // The page's title: the service's TITLE variable if it sets one, else its name; an argument, not env.
            String title = name;
            for (String e : orEmpty(service.env())) {
                if (e.startsWith("TITLE=")) {
                    title = e.substring("TITLE=".length());
                }
            }
            command.addAll(
                    List.of(StaticWebServer.class.getName(), "--port", Integer.toString(port), "--title", title));
        } else if (entry.javaMain() != null) {
            // A Java program on this provider's class path (the inference worker): native access for libraries
            // such as llama.cpp, and the service's own args after the entry's.
            command.addAll(providerJvm("-Xmx256m", "--enable-native-access=ALL-UNNAMED"));
            command.add(entry.javaMain());
            command.addAll(entry.command());
            command.addAll(orEmpty(service.args()));
            tenantEnv = entry.env()::contains;
        } else {
            tenantEnv = variable -> true;
            command.addAll(entry.command());
            command.addAll(orEmpty(service.command()));
            command.addAll(orEmpty(service.args()));
        }
        // Within the SDL's resources, as far as this host can hold it there (see Confinement).
        ReplicaLimits limits = ReplicaLimits.of(service);
        Optional<Path> cgroup = confinement.cgroup(cgroupName(dir, name, index), limits);
        ProcessBuilder pb = new ProcessBuilder(confinement.wrap(command, limits, cgroup))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // An empty environment: nothing of the provider's (its keyring passphrase, its JVM options) reaches a
        // replica. Then what the SDL sets, then what the runtime defines, which the SDL cannot override.
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", REPLICA_PATH);
        env.put("HOME", work.toString());
        for (String kv : orEmpty(service.env())) {
            int eq = kv.indexOf('=');
            String variable = eq > 0 ? kv.substring(0, eq) : kv;
            if (tenantEnv.test(variable)) {
                env.put(variable, eq > 0 ? kv.substring(eq + 1) : "");
            }
        }
        env.put("PORT", Integer.toString(port));
        ports.forEach((p, host) -> env.put("PORT_" + p, Integer.toString(host)));
        env.put("VYOMA_LEASE", lease);
        Process p = pb.start();
        Replica r = new Replica(name, index, p.pid(), port, ports, log);
        ObjectNode record = JSON.createObjectNode();
        record.put("service", name);
        record.put("index", index);
        record.put("pid", p.pid());
        // With the pid, the start time tells this process from a later one that reuses its pid.
        record.put("started", startMillis(p.toHandle()));
        record.put("port", port);
        ObjectNode portsRecord = record.putObject("ports");
        ports.forEach((k, v) -> portsRecord.put(Integer.toString(k), v));
        record.put("command", String.join(" ", command));
        Files.writeString(recordFile, JSON.writeValueAsString(record));
        return r;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    /**
     * The start of a command line that runs a main class of this provider's class path in a JVM of its own. Its
     * options are all here: the environment it starts with has none ({@code JAVA_TOOL_OPTIONS} and the like).
     */
    private static List<String> providerJvm(String maxHeap, String... flags) {
        List<String> out = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                maxHeap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        out.addAll(List.of(flags));
        out.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return out;
    }

    /** Ready replicas are those whose process is alive and whose port accepts connections. */
    @Override
    public synchronized LeaseStatus status(String lease) {
        List<Replica> rs = leases.getOrDefault(lease, List.of());
        int ready = 0;
        for (Replica r : rs) {
            if (alive(r) && listening(r.port())) {
                ready++;
            }
        }
        return new LeaseStatus(
                lease, ready, rs.size(), rs, problems.getOrDefault(lease, ""), versions.getOrDefault(lease, ""));
    }

    @Override
    public synchronized void teardown(String lease) throws IOException {
        for (Replica r : leases.getOrDefault(lease, List.of())) {
            stop(r.pid());
        }
        leases.remove(lease);
        problems.remove(lease);
        versions.remove(lease);
        groups.remove(lease);
        if (LeaseDirs.isLeaseId(lease)) {
            Path dir = dirs.lease(lease);
            // With cgroups, also what a replica started and left behind.
            confinement.releaseAll(dir.getFileName() + ".");
            deleteTree(dir);
        }
    }

    /**
     * Stops every replica of every lease and keeps their directories: {@link #adopt} then finds them stopped, and
     * they start again only if their lease is still active.
     */
    @Override
    public synchronized void stopAll() {
        for (Map.Entry<String, List<Replica>> lease : leases.entrySet()) {
            for (Replica r : lease.getValue()) {
                stop(r.pid());
            }
            confinement.releaseAll(dirs.lease(lease.getKey()).getFileName() + ".");
        }
        leases.clear();
        problems.clear();
        versions.clear();
        groups.clear();
    }

    /** The cgroup of a replica: its lease's directory name and its {@code service-index}, both checked. */
    private static String cgroupName(Path leaseDir, String service, int index) {
        return leaseDir.getFileName() + "." + LeaseDirs.stem(service, index);
    }

    /**
     * Stops a replica and what it started: SIGTERM to it and its descendants, SIGKILL to what is left after 5 s.
     * (A process that left the tree by forking twice is caught only by its cgroup, where there is one.)
     */
    private static void stop(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            List<ProcessHandle> tree = new ArrayList<>(h.descendants().toList());
            tree.add(0, h);
            tree.forEach(ProcessHandle::destroy);
            for (ProcessHandle p : tree) {
                try {
                    p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            }
        });
    }

    /**
     * After a restart: takes back the replicas recorded under {@code state/leases/}, for each lease whose every
     * replica is still the very process that was started for it. The records are read as untrusted input (a
     * directory name must be a lease id, the manifest is read as the gateway reads one, a record must be one of its
     * group's replicas, its process must have the recorded start time and carry the lease in its environment), and
     * a process that does not prove to be the lease's own is never signalled. A lease that is not whole is stopped:
     * what still runs of it goes, and its group (if one is stored) is returned as stopped, to be started again if the
     * lease is still active ({@link #deploy}) or removed ({@link #teardown}).
     */
    @Override
    public synchronized Found adopt() throws IOException {
        Set<String> found = new LinkedHashSet<>();
        Map<String, ManifestGroup> stopped = new LinkedHashMap<>();
        List<Path> entries;
        try (Stream<Path> list = Files.list(dirs.root())) {
            entries = list.sorted().toList();
        }
        for (Path dir : entries) {
            Optional<String> id = LeaseDirs.leaseOf(dir.getFileName().toString());
            if (id.isEmpty() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("{} is not a lease's directory; left alone", dir);
                continue;
            }
            String lease = id.get();
            Path leaseDir = dirs.lease(lease);
            Optional<ManifestGroup> group = storedGroup(dirs.file(leaseDir, "manifest.json"));
            List<Replica> rs = new ArrayList<>();
            boolean whole = group.isPresent();
            for (ManifestService s : group.map(ManifestGroup::services).orElse(List.of())) {
                for (int i = 0; i < s.count(); i++) {
                    Optional<Replica> r = recorded(lease, leaseDir, s, i);
                    r.ifPresent(rs::add);
                    whole &= r.isPresent();
                }
            }
            if (whole) {
                leases.put(lease, rs);
                versions.put(lease, group.get().version().hex());
                groups.put(lease, group.get());
                found.add(lease);
                continue;
            }
            rs.forEach(r -> stop(r.pid()));
            confinement.releaseAll(leaseDir.getFileName() + ".");
            if (group.isPresent()) {
                stopped.put(lease, group.get());
            } else {
                deleteTree(leaseDir);
            }
        }
        return new Found(found, stopped);
    }

    /** Replica {@code index} of {@code service} as its record on disk says, if its process proves to be it. */
    private Optional<Replica> recorded(String lease, Path leaseDir, ManifestService service, int index) {
        try {
            Path f = dirs.replica(leaseDir, "replicas", service.name(), index, ".json");
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_RECORD_BYTES) {
                return Optional.empty();
            }
            JsonNode n = JSON.readTree(Files.readAllBytes(f));
            long pid = n.path("pid").asLong(-1);
            int port = n.path("port").asInt(-1);
            Map<Integer, Integer> ports = new LinkedHashMap<>();
            n.path("ports").properties().forEach(e -> {
                if (e.getKey().matches("[0-9]{1,5}")) {
                    ports.put(Integer.parseInt(e.getKey()), e.getValue().asInt(-1));
                }
            });
            Set<Integer> exposed = new LinkedHashSet<>();
            service.expose().forEach(e -> exposed.add(e.port()));
            boolean consistent = n.path("service").asString("").equals(service.name())
                    && n.path("index").asInt(-1) == index
                    && validPort(port)
                    && ports.keySet().equals(exposed)
                    && n.path("ports").size() == exposed.size()
                    && ports.values().stream().allMatch(ProcessRuntime::validPort);
            if (!consistent || !isReplicaOf(lease, pid, n.path("started").asLong(-1))) {
                return Optional.empty();
            }
            return Optional.of(new Replica(
                    service.name(),
                    index,
                    pid,
                    port,
                    ports,
                    dirs.replica(leaseDir, "logs", service.name(), index, ".log")));
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean validPort(int port) {
        return port >= 1 && port <= 65535;
    }

    /**
     * Whether process {@code pid} is the replica of {@code lease} started at {@code startedMillis}: alive, not this
     * provider, started then (so not a later process that reuses the pid), and, where /proc says, with {@code
     * VYOMA_LEASE} set to the lease (so not another lease's replica).
     */
    private static boolean isReplicaOf(String lease, long pid, long startedMillis) {
        if (pid <= 1 || pid == ProcessHandle.current().pid() || startedMillis < 0) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive() || startMillis(h.get()) != startedMillis) {
            return false;
        }
        Path environ = Path.of("/proc", Long.toString(pid), "environ");
        if (!Files.isReadable(environ)) {
            return true;
        }
        try {
            String env = new String(Files.readAllBytes(environ), StandardCharsets.ISO_8859_1);
            return ("\0" + env).contains("\0VYOMA_LEASE=" + lease + "\0");
        } catch (IOException e) {
            return false;
        }
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
    }

    /**
     * The group a lease's directory says it runs: read as the gateway reads a manifest, since a file on disk is
     * no more trusted than a request. Empty if it is missing or not a manifest of one group.
     */
    private static Optional<ManifestGroup> storedGroup(Path f) {
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                    || Files.size(f) > ManifestLimits.MAX_MANIFEST_BYTES) {
                return Optional.empty();
            }
            Manifest m = ManifestReader.read(Files.readAllBytes(f));
            return m.groups().size() == 1 ? Optional.of(m.groups().get(0)) : Optional.empty();
        } catch (IOException | InvalidManifestException e) {
            return Optional.empty();
        }
    }

    /** Stops the processes of every lease not in {@code active} (leases that ended while the provider was away). */
    @Override
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
    @Override
    public synchronized Set<String> leases() {
        return Set.copyOf(leases.keySet());
    }

    @Override
    public synchronized Optional<ManifestGroup> manifest(String lease) {
        return leases.containsKey(lease) ? Optional.ofNullable(groups.get(lease)) : Optional.empty();
    }

    @Override
    public void logs(
            String lease,
            LogRequest request,
            java.util.function.Consumer<String> line,
            java.util.function.BooleanSupplier stop)
            throws IOException, InterruptedException {
        List<Replica> rs;
        synchronized (this) {
            rs = new ArrayList<>(leases.getOrDefault(lease, List.of()));
        }
        rs.removeIf(r -> !request.service().isEmpty() && !r.service().equals(request.service()));
        ReplicaLogFiles.write(rs, request, line, stop, () -> {
            synchronized (this) {
                return !leases.containsKey(lease);
            }
        });
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

    /** Deletes a lease's directory (links inside it are removed, never followed). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Refused: a replica here is a process of the provider's, with nothing to run a command in. */
    @Override
    public Shell shell(String lease, Shell.Request request) throws Shell.Refused {
        throw new Shell.Refused(
                Shell.Refused.Reason.NOT_SUPPORTED,
                "shell is not supported by the process runtime (its replicas are local processes, not containers);"
                        + " a provider with runtime: container runs commands in replicas");
    }
}

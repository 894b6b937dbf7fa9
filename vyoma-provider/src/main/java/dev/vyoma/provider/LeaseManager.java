package dev.vyoma.provider;

import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.PortForwarder;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs won leases. A manifest the gateway accepted is started by the runtime, and each global port its
 * services expose is made reachable: port 80 (the service's {@code as: 80}) through the ingress under a host
 * named from the lease and service ({@code <id>.ingress.<domain>}), any other port through a host port that
 * forwards to the service's replicas, as Akash does. A new manifest for a running lease (an update) replaces
 * its services and keeps its addresses. A lease that ends is unrouted, then torn down. After a restart,
 * {@link #reconcile} re-adopts what still runs for active leases and removes the rest; the host ports given
 * out are kept in {@code state/routes.json} so they stay the same.
 */
public final class LeaseManager {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EVENTS_KEPT = 200;
    /** The largest {@code routes.json} read back; a provider at full load writes far less. */
    static final int MAX_ROUTES_FILE_BYTES = 4 << 20;

    /** A port of a service reachable on the provider's host, as Akash lists forwarded ports. */
    public record ForwardedPort(String service, int port, String host, int externalPort, String proto) {}

    /** Something that happened to a lease, for {@code vyoma deploy events}. */
    public record LeaseEvent(String time, String message) {}

    private final WorkloadRuntime runtime;
    private final Ingress ingress;
    private final String host;
    private final Path routesFile;
    private final Clock clock;
    /**
     * How a lease is reached: its ingress host ids, its host-port forwarders by {@code lease/service/port} with
     * what each forwards, and what cannot be reached (empty if everything can).
     */
    private record Routes(
            List<String> hosts, Map<String, PortForwarder> forwarders, List<ForwardedPort> ports, String note) {}

    private final Map<String, Routes> routes = new LinkedHashMap<>();
    private final Map<String, Deque<LeaseEvent>> events = new LinkedHashMap<>();
    /** Host port per {@code lease/service/port}, kept across restarts. */
    private final Map<String, Integer> externalPorts = new TreeMap<>();

    /**
     * @param host the name tenants reach forwarded ports at (the provider's host)
     * @param state where the host ports given out are kept
     */
    public LeaseManager(WorkloadRuntime runtime, Ingress ingress, String host, Path state, Clock clock)
            throws IOException {
        this.runtime = runtime;
        this.ingress = ingress;
        this.host = host;
        this.clock = clock;
        Files.createDirectories(state);
        this.routesFile = state.resolve("routes.json");
        if (Files.isRegularFile(routesFile)) {
            // Read back as input: a bounded file, and only host ports a forwarder can listen on.
            try {
                if (Files.size(routesFile) > MAX_ROUTES_FILE_BYTES) {
                    throw new IOException("over " + MAX_ROUTES_FILE_BYTES + " bytes");
                }
                JSON.readTree(Files.readAllBytes(routesFile)).properties().forEach(e -> {
                    int port = e.getValue().asInt(0);
                    if (port >= 1 && port <= 65535 && e.getKey().length() <= 512) {
                        externalPorts.put(e.getKey(), port);
                    }
                });
            } catch (IOException | tools.jackson.core.JacksonException e) {
                LOG.warn("{} cannot be read ({}); host ports are given out anew", routesFile, e.getMessage());
                externalPorts.clear();
            }
        }
    }

    /** The ingress id of a lease's service: the first 12 hex digits of the SHA-256 of {@code lease/service}. */
    public static String ingressId(String lease, String service) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((lease + "/" + service).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts (or, with a new manifest, updates) a lease's services: its group of a manifest the gateway read. The
     * lease's addresses move to the new replicas when the runtime says they are ready (a runtime that rolls updates
     * out does so after this returns), and each step is one of the lease's events.
     */
    public synchronized void deploy(String lease, ManifestGroup group) throws IOException {
        WorkloadRuntime.LeaseStatus now = runtime.status(lease);
        String before = now.version();
        if (!before.isEmpty()
                && before.equals(group.version().hex())
                && now.updating().isEmpty()) {
            return;
        }
        runtime.deploy(lease, group, new WorkloadRuntime.Rollout() {
            @Override
            public void event(String message) {
                synchronized (LeaseManager.this) {
                    LeaseManager.this.event(lease, message);
                }
            }

            @Override
            public void cutover() throws IOException {
                synchronized (LeaseManager.this) {
                    // The lease may have ended while its update rolled out: then there is nothing to route.
                    if (!runtime.leases().contains(lease)) {
                        return;
                    }
                    route(lease);
                    WorkloadRuntime.LeaseStatus s = runtime.status(lease);
                    LeaseManager.this.event(
                            lease,
                            (before.isEmpty() ? "manifest received" : "manifest updated; services replaced") + ": "
                                    + s.replicas().size() + " of " + s.total() + " replicas started"
                                    + (s.problem().isEmpty() ? "" : "; " + s.problem()));
                }
            }
        });
    }

    /** Makes the lease's global ports reachable (again), from the manifest its services run. */
    private void route(String lease) throws IOException {
        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        ManifestGroup group = runtime.manifest(lease).orElse(null);
        Routes before = routes.get(lease);
        Map<String, PortForwarder> open = before == null ? new LinkedHashMap<>() : before.forwarders();
        List<String> leaseHosts = new ArrayList<>();
        List<ForwardedPort> ports = new ArrayList<>();
        Map<String, PortForwarder> kept = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        boolean portsChanged = false;
        boolean done = false;
        try {
            if (group != null) {
                for (ManifestService service : group.services()) {
                    String name = service.name();
                    for (ServiceExpose e : service.expose()) {
                        if (!e.global()) {
                            continue;
                        }
                        int port = e.port();
                        List<Integer> backends = new ArrayList<>();
                        for (WorkloadRuntime.Replica r : s.replicas()) {
                            if (r.service().equals(name) && r.ports().containsKey(port)) {
                                backends.add(r.ports().get(port));
                            }
                        }
                        if (e.isIngress()) {
                            String id = ingressId(lease, name);
                            // The typed options are within the SDL's bounds (the manifest reader refused more).
                            HttpOptions http = e.httpOptions();
                            ingress.route(
                                    id,
                                    backends,
                                    new Ingress.Options(
                                            http.maxBodySize(), java.time.Duration.ofMillis(http.readTimeout())));
                            leaseHosts.add(id);
                            continue;
                        }
                        if (e.proto() != Protocol.TCP) {
                            skipped.add(name + " port " + port + "/" + e.proto());
                            continue;
                        }
                        String key = lease + "/" + name + "/" + port;
                        PortForwarder f = open.remove(key);
                        if (f == null) {
                            f = PortForwarder.start(host, externalPorts.getOrDefault(key, 0), backends);
                        } else {
                            f.retarget(backends);
                        }
                        kept.put(key, f);
                        if (!Integer.valueOf(f.port()).equals(externalPorts.put(key, f.port()))) {
                            portsChanged = true;
                        }
                        ports.add(new ForwardedPort(name, port, host, f.port(), "TCP"));
                    }
                }
            }
            done = true;
        } finally {
            if (!done) {
                // A forwarder failed to start: keep tracking every forwarder, old and new, as before the call.
                kept.putAll(open);
                routes.put(
                        lease,
                        before == null
                                ? new Routes(List.of(), kept, List.of(), "")
                                : new Routes(before.hosts(), kept, before.ports(), before.note()));
                if (portsChanged) {
                    try {
                        saveRoutes();
                    } catch (IOException e) {
                        LOG.warn("lease {}: cannot save its host ports: {}", lease, e.toString());
                    }
                }
            }
        }
        // Ports the new manifest no longer exposes close; hosts it no longer has stop routing.
        for (Map.Entry<String, PortForwarder> gone : open.entrySet()) {
            gone.getValue().close();
            externalPorts.remove(gone.getKey());
            portsChanged = true;
        }
        if (before != null) {
            before.hosts().stream().filter(h -> !leaseHosts.contains(h)).forEach(ingress::unroute);
        }
        if (portsChanged) {
            saveRoutes();
        }
        routes.put(
                lease,
                new Routes(
                        leaseHosts,
                        kept,
                        ports,
                        skipped.isEmpty()
                                ? ""
                                : "the process runtime forwards TCP only; not reachable: "
                                        + String.join(", ", skipped)));
    }

    private void saveRoutes() throws IOException {
        Path tmp = routesFile.resolveSibling("routes.json.tmp");
        Files.write(tmp, JSON.writeValueAsBytes(externalPorts));
        Files.move(tmp, routesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Stops a lease's services (it ended): its traffic first, then its processes. */
    public synchronized void ended(String lease) {
        Routes r = routes.remove(lease);
        if (r != null) {
            r.hosts().forEach(ingress::unroute);
            r.forwarders().values().forEach(PortForwarder::close);
            r.forwarders().keySet().forEach(externalPorts::remove);
        }
        try {
            saveRoutes();
            runtime.teardown(lease);
            LOG.info("lease {}: lease closed; services stopped", lease);
            events.remove(lease);
        } catch (IOException e) {
            LOG.warn("lease {}: teardown failed: {}", lease, e.toString());
        }
    }

    /**
     * After a restart: re-adopts the services of {@code active} leases, starts again those of active leases that
     * were stopped (a devnet stops what it started when it stops), removes the others; returns what runs.
     */
    public synchronized Set<String> reconcile(Set<String> active) throws IOException {
        WorkloadRuntime.Found found = runtime.adopt();
        List<String> removed = new ArrayList<>(runtime.removeOrphans(active));
        for (String lease : found.running()) {
            if (active.contains(lease)) {
                route(lease);
                event(lease, "provider restarted; running services re-adopted");
            }
        }
        for (Map.Entry<String, ManifestGroup> stopped : found.stopped().entrySet()) {
            String lease = stopped.getKey();
            if (!active.contains(lease)) {
                runtime.teardown(lease);
                removed.add(lease);
                continue;
            }
            try {
                WorkloadRuntime.LeaseStatus s = runtime.deploy(lease, stopped.getValue());
                route(lease);
                event(
                        lease,
                        "provider restarted; stopped services started again: " + s.total() + " replicas"
                                + (s.problem().isEmpty() ? "" : "; " + s.problem()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("lease {}: cannot start its services again: {}", lease, e.toString());
            }
        }
        // Host ports of leases that are gone are free again.
        externalPorts.keySet().removeIf(k -> runtime.leases().stream().noneMatch(l -> k.startsWith(l + "/")));
        saveRoutes();
        if (!removed.isEmpty()) {
            LOG.info("removed the services of {} ended lease(s)", removed.size());
        }
        return runtime.leases();
    }

    /**
     * Stops every lease's services (keeping what each runs, for the next {@link #reconcile}) and closes their
     * addresses: what a devnet does when it stops, so that nothing it started keeps running.
     */
    public synchronized void stopAll() throws IOException {
        close();
        runtime.stopAll();
    }

    /** How many leases have services in the runtime. */
    public int running() {
        return runtime.leases().size();
    }

    /**
     * What the tenant sees: replicas ready of total, the URIs of its port-80 services, its other forwarded
     * ports, and any problem.
     */
    public synchronized Map<String, Object> status(String lease) {
        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", s.ready());
        out.put("total", s.total());
        List<String> uris = new ArrayList<>();
        Routes r = routes.getOrDefault(lease, new Routes(List.of(), Map.of(), List.of(), ""));
        for (String id : r.hosts()) {
            uris.add(ingress.hostFor(id) + (ingress.port() == 80 ? "" : ":" + ingress.port()));
        }
        out.put("uris", uris);
        out.put("forwardedPorts", r.ports());
        if (!s.updating().isEmpty()) {
            // An update rolls out: the replicas above are the old ones until it is ready.
            out.put("updating", s.updating());
        }
        List<String> problems = new ArrayList<>();
        if (!s.problem().isEmpty()) {
            problems.add(s.problem());
        }
        if (!r.note().isEmpty()) {
            problems.add(r.note());
        }
        if (!problems.isEmpty()) {
            out.put("problem", String.join("; ", problems));
        }
        return out;
    }

    /** Streams a lease's output (see {@link WorkloadRuntime#logs}). */
    public void logs(String lease, WorkloadRuntime.LogRequest request, Consumer<String> line, BooleanSupplier stop)
            throws IOException, InterruptedException {
        runtime.logs(lease, request, line, stop);
    }

    /** A command to run in one of a lease's replicas (see {@link WorkloadRuntime#shell}). */
    public dev.vyoma.provider.runtime.Shell shell(String lease, dev.vyoma.provider.runtime.Shell.Request request)
            throws dev.vyoma.provider.runtime.Shell.Refused, IOException {
        return runtime.shell(lease, request);
    }

    /** What happened to a lease on this provider, oldest first (the last 200 events). */
    public synchronized List<LeaseEvent> events(String lease) {
        return List.copyOf(events.getOrDefault(lease, new ArrayDeque<>()));
    }

    private void event(String lease, String message) {
        Deque<LeaseEvent> q = events.computeIfAbsent(lease, k -> new ArrayDeque<>());
        q.addLast(new LeaseEvent(clock.instant().toString(), message));
        while (q.size() > EVENTS_KEPT) {
            q.removeFirst();
        }
        LOG.info("lease {}: {}", lease, message);
    }

    /** Closes the host ports (the provider stops; the services keep running for the next start to adopt). */
    public synchronized void close() {
        routes.values().forEach(r -> {
            r.hosts().forEach(ingress::unroute);
            r.forwarders().values().forEach(PortForwarder::close);
        });
        routes.clear();
    }
}

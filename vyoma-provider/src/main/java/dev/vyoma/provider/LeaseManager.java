package dev.vyoma.provider;

import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs won leases. A manifest the gateway accepted is started by the runtime, and each global port its
 * services expose is made reachable: port 80 (the service's {@code as: 80}) through the ingress under a host
 * named from the lease and service ({@code <id>.ingress.<domain>}), any other port through a host port that
 * forwards to the service's replicas, as Akash does; a runtime that publishes them itself (a cluster's ingress and
 * NodePorts) says where they are ({@link WorkloadRuntime#endpoints}), and the provider routes nothing. A new manifest for a running lease (an update) replaces
 * its services and keeps its addresses; the addresses follow replicas the runtime recreates ({@link LeaseRoutes}).
 * A lease that ends is unrouted, then torn down. After a restart, {@link #reconcile} re-adopts what still runs for
 * active leases and removes the rest; the host ports given out are kept ({@link HostPorts}) so they stay the same.
 */
public final class LeaseManager {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);
    private static final int EVENTS_KEPT = 200;

    /** A port of a service reachable on the provider's host, as Akash lists forwarded ports. */
    public record ForwardedPort(String service, int port, String host, int externalPort, String proto) {}

    /** Something that happened to a lease, for {@code vyoma deploy events}. */
    public record LeaseEvent(String time, String message) {}

    private final WorkloadRuntime runtime;
    private final LeaseRoutes routes;
    private final Clock clock;
    private final Map<String, Deque<LeaseEvent>> events = new LinkedHashMap<>();
    /** Set by {@link #close}: the provider stops, and nothing is routed any more. */
    private boolean closed;

    /**
     * @param host the name tenants reach forwarded ports at (the provider's host)
     * @param state where the host ports given out are kept
     */
    public LeaseManager(WorkloadRuntime runtime, Ingress ingress, String host, Path state, Clock clock)
            throws IOException {
        this.runtime = runtime;
        this.routes = new LeaseRoutes(ingress, host, new HostPorts(state));
        this.clock = clock;
        // A replica the runtime recreated on its own (its container was removed, say) has a new address.
        runtime.watchReplicas(this::follow);
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
                    if (closed || !runtime.leases().contains(lease)) {
                        return;
                    }
                    WorkloadRuntime.LeaseStatus s = route(lease);
                    LeaseManager.this.event(
                            lease,
                            (before.isEmpty() ? "manifest received" : "manifest updated; services replaced") + ": "
                                    + s.replicas().size() + " of " + s.total() + " replicas started"
                                    + (s.problem().isEmpty() ? "" : "; " + s.problem()));
                }
            }
        });
    }

    /**
     * Routes the lease's global ports to the replicas its runtime reports now, unless the runtime publishes them
     * itself; returns that report.
     */
    private WorkloadRuntime.LeaseStatus route(String lease) throws IOException {
        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        if (runtime.endpoints(lease).isEmpty()) {
            routes.route(lease, s, runtime.manifest(lease).orElse(null));
        }
        return s;
    }

    /**
     * The lease's status, its routes first brought up to date with it: a replica that became ready, or moved to
     * another host port, is routed before the status counts it.
     */
    private WorkloadRuntime.LeaseStatus routed(String lease) throws IOException {
        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        if (closed || !runtime.leases().contains(lease)) {
            return s;
        }
        ManifestGroup group = runtime.manifest(lease).orElse(null);
        if (!routes.current(lease, s, group)) {
            routes.route(lease, s, group);
        }
        return s;
    }

    /** The runtime says the lease's replicas moved: its routes follow them. */
    private synchronized void follow(String lease) {
        if (closed || !routes.routed(lease)) {
            return;
        }
        try {
            WorkloadRuntime.LeaseStatus s = routed(lease);
            LOG.debug("lease {}: routes follow its replicas ({} of {} ready)", lease, s.ready(), s.total());
        } catch (IOException | RuntimeException e) {
            LOG.warn("lease {}: cannot route to its replicas: {}", lease, e.toString());
        }
    }

    /** Stops a lease's services (it ended): its traffic first, then its processes. */
    public synchronized void ended(String lease) {
        try {
            routes.unroute(lease);
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
        routes.retainPorts(runtime.leases());
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
     * ports, and any problem. A replica counts as ready only once the lease's routes lead to it, so a URI listed
     * with every replica ready answers.
     */
    public synchronized Map<String, Object> status(String lease) {
        Optional<WorkloadRuntime.Endpoints> published = runtime.endpoints(lease);
        if (published.isPresent()) {
            // The runtime publishes the lease's ports (a cluster's ingress and NodePorts): it says where.
            WorkloadRuntime.Endpoints e = published.get();
            return status(
                    runtime.status(lease),
                    e.uris(),
                    e.ports().stream()
                            .map(p -> new ForwardedPort(p.service(), p.port(), p.host(), p.externalPort(), p.proto()))
                            .toList(),
                    e.problem(),
                    "");
        }
        WorkloadRuntime.LeaseStatus s;
        String unrouted = "";
        try {
            s = routed(lease);
        } catch (IOException | RuntimeException e) {
            s = runtime.status(lease);
            unrouted = "its ports cannot be routed: " + e.getMessage();
        }
        LeaseRoutes.Routed r = routes.of(lease);
        return status(s, routes.uris(lease), r.ports(), r.note(), unrouted);
    }

    private static Map<String, Object> status(
            WorkloadRuntime.LeaseStatus s, List<String> uris, List<ForwardedPort> ports, String note, String unrouted) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", unrouted.isEmpty() ? s.ready() : 0);
        out.put("total", s.total());
        out.put("uris", uris);
        out.put("forwardedPorts", ports);
        if (!s.updating().isEmpty()) {
            // An update rolls out: the replicas above are the old ones until it is ready.
            out.put("updating", s.updating());
        }
        List<String> problems = new ArrayList<>();
        if (!s.problem().isEmpty()) {
            problems.add(s.problem());
        }
        if (!note.isEmpty()) {
            problems.add(note);
        }
        if (!unrouted.isEmpty()) {
            problems.add(unrouted);
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

    /**
     * What happened to a lease on this provider, oldest first (the last 200 events): the provider's own, and what
     * the runtime's platform said (a cluster's events), merged by time.
     */
    public List<LeaseEvent> events(String lease) {
        List<LeaseEvent> own;
        synchronized (this) {
            own = List.copyOf(events.getOrDefault(lease, new ArrayDeque<>()));
        }
        List<WorkloadRuntime.Event> platform;
        try {
            // Read outside the lock: a slow API server must not hold up deploys and status.
            platform = runtime.events(lease, EVENTS_KEPT);
        } catch (IOException | RuntimeException e) {
            platform = List.of(new WorkloadRuntime.Event(
                    clock.instant(), "the runtime's events cannot be read: " + e.getMessage()));
        }
        if (platform.isEmpty()) {
            return own;
        }
        List<LeaseEvent> all = new ArrayList<>(own);
        platform.forEach(e -> all.add(new LeaseEvent(e.time().toString(), e.message())));
        // The sort is stable: events of the same instant keep their order.
        all.sort(java.util.Comparator.comparing(e -> java.time.Instant.parse(e.time())));
        return List.copyOf(all.subList(Math.max(0, all.size() - EVENTS_KEPT), all.size()));
    }

    /** Adds one of a lease's events from outside the runtime (the bidder's: won, waiting for its manifest). */
    public synchronized void note(String lease, String message) {
        if (!closed) {
            event(lease, message);
        }
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
        closed = true;
        routes.closeAll();
    }
}

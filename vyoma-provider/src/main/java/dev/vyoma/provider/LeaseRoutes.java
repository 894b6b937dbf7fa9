package dev.vyoma.provider;

import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.provider.runtime.PortForwarder;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each lease is reached: its port-80 services through the ingress, its other global TCP ports through host
 * ports that forward to the replicas ({@link HostPorts} keeps which). A lease's routes are made from what its
 * runtime reports (the manifest group it runs and its replicas' host ports), and {@link #current} says whether
 * they still match it: a replica recreated on another host port makes them stale until routed again. Not
 * thread-safe: its owner calls it under its lock.
 */
final class LeaseRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRoutes.class);

    /**
     * What a lease is routed to: the manifest version and, per global {@code service/port}, the replicas' host
     * ports; its ingress host ids, its forwarders by {@link HostPorts#key}, the forwarded ports as the tenant sees
     * them, and what cannot be reached (empty if everything can).
     */
    record Routed(
            String version,
            Map<String, List<Integer>> backends,
            List<String> hosts,
            Map<String, PortForwarder> forwarders,
            List<LeaseManager.ForwardedPort> ports,
            String note) {
        static final Routed NONE = new Routed("", Map.of(), List.of(), Map.of(), List.of(), "");
    }

    private final Ingress ingress;
    private final String host;
    private final HostPorts hostPorts;
    private final Map<String, Routed> routed = new LinkedHashMap<>();

    LeaseRoutes(Ingress ingress, String host, HostPorts hostPorts) {
        this.ingress = ingress;
        this.host = host;
        this.hostPorts = hostPorts;
    }

    /** What {@code lease} is routed to now ({@link Routed#NONE} if nothing). */
    Routed of(String lease) {
        return routed.getOrDefault(lease, Routed.NONE);
    }

    boolean routed(String lease) {
        return routed.containsKey(lease);
    }

    /** Whether the lease's routes lead to the replicas of {@code s} running {@code group}. */
    boolean current(String lease, WorkloadRuntime.LeaseStatus s, ManifestGroup group) {
        Routed r = routed.get(lease);
        return r != null && r.version().equals(version(group)) && r.backends().equals(backends(s, group));
    }

    /** The ingress URI of each routed port-80 service of the lease. */
    List<String> uris(String lease) {
        List<String> uris = new ArrayList<>();
        for (String id : of(lease).hosts()) {
            uris.add(ingress.hostFor(id) + (ingress.port() == 80 ? "" : ":" + ingress.port()));
        }
        return uris;
    }

    private static String version(ManifestGroup group) {
        return group == null ? "" : group.version().hex();
    }

    /** Per global {@code service/port} of {@code group}, the host ports of the replicas in {@code s} that serve it. */
    private static Map<String, List<Integer>> backends(WorkloadRuntime.LeaseStatus s, ManifestGroup group) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        if (group == null) {
            return out;
        }
        for (ManifestService service : group.services()) {
            for (ServiceExpose e : service.expose()) {
                if (!e.global()) {
                    continue;
                }
                List<Integer> ports = new ArrayList<>();
                for (WorkloadRuntime.Replica r : s.replicas()) {
                    if (r.service().equals(service.name()) && r.ports().containsKey(e.port())) {
                        ports.add(r.ports().get(e.port()));
                    }
                }
                out.put(service.name() + "/" + e.port(), List.copyOf(ports));
            }
        }
        return out;
    }

    /**
     * Routes {@code lease} to the replicas of {@code s}, which run {@code group}: the ingress hosts and forwarders
     * it needs are made or retargeted, those it no longer needs closed. A forwarder that cannot start leaves the
     * lease routed as before, and the exception says why.
     */
    void route(String lease, WorkloadRuntime.LeaseStatus s, ManifestGroup group) throws IOException {
        Routed before = routed.get(lease);
        Map<String, PortForwarder> open =
                before == null ? new LinkedHashMap<>() : new LinkedHashMap<>(before.forwarders());
        Map<String, List<Integer>> backends = backends(s, group);
        List<String> leaseHosts = new ArrayList<>();
        List<LeaseManager.ForwardedPort> ports = new ArrayList<>();
        Map<String, PortForwarder> kept = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
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
                        List<Integer> to = backends.get(name + "/" + port);
                        if (e.isIngress()) {
                            String id = IngressId.of(lease, name);
                            // The typed options are within the SDL's bounds (the manifest reader refused more).
                            HttpOptions http = e.httpOptions();
                            ingress.route(
                                    id,
                                    to,
                                    new Ingress.Options(http.maxBodySize(), Duration.ofMillis(http.readTimeout())));
                            leaseHosts.add(id);
                            continue;
                        }
                        if (e.proto() != Protocol.TCP) {
                            skipped.add(name + " port " + port + "/" + e.proto());
                            continue;
                        }
                        String key = HostPorts.key(lease, name, port);
                        PortForwarder f = open.remove(key);
                        if (f == null) {
                            f = PortForwarder.start(host, hostPorts.get(key).orElse(0), to);
                        } else {
                            f.retarget(to);
                        }
                        kept.put(key, f);
                        hostPorts.put(key, f.port());
                        ports.add(new LeaseManager.ForwardedPort(name, port, host, f.port(), "TCP"));
                    }
                }
            }
            done = true;
        } finally {
            if (!done) {
                // A forwarder failed to start: keep tracking every forwarder, old and new, as before the call.
                kept.putAll(open);
                routed.put(
                        lease,
                        before == null
                                ? new Routed("", Map.of(), List.of(), kept, List.of(), "")
                                : new Routed(
                                        before.version(),
                                        before.backends(),
                                        before.hosts(),
                                        kept,
                                        before.ports(),
                                        before.note()));
                save(lease);
            }
        }
        // Ports the new manifest no longer exposes close; hosts it no longer has stop routing.
        for (Map.Entry<String, PortForwarder> gone : open.entrySet()) {
            gone.getValue().close();
            hostPorts.remove(gone.getKey());
        }
        if (before != null) {
            before.hosts().stream().filter(h -> !leaseHosts.contains(h)).forEach(ingress::unroute);
        }
        routed.put(
                lease,
                new Routed(
                        version(group),
                        backends,
                        leaseHosts,
                        kept,
                        ports,
                        skipped.isEmpty()
                                ? ""
                                : "the process runtime forwards TCP only; not reachable: "
                                        + String.join(", ", skipped)));
        hostPorts.save();
    }

    private void save(String lease) {
        try {
            hostPorts.save();
        } catch (IOException e) {
            LOG.warn("lease {}: cannot save its host ports: {}", lease, e.toString());
        }
    }

    /** Stops routing {@code lease} (it ended): its hosts, its forwarders, and its host ports are free again. */
    void unroute(String lease) throws IOException {
        Routed r = routed.remove(lease);
        if (r != null) {
            r.hosts().forEach(ingress::unroute);
            r.forwarders().values().forEach(PortForwarder::close);
            r.forwarders().keySet().forEach(hostPorts::remove);
        }
        hostPorts.save();
    }

    /** Host ports of leases not in {@code leases} are free again. */
    void retainPorts(Set<String> leases) throws IOException {
        hostPorts.retainLeases(leases);
        hostPorts.save();
    }

    /** Closes every route, keeping the host ports for the next start. */
    void closeAll() {
        routed.values().forEach(r -> {
            r.hosts().forEach(ingress::unroute);
            r.forwarders().values().forEach(PortForwarder::close);
        });
        routed.clear();
    }
}

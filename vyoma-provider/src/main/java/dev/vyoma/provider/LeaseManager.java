package dev.vyoma.provider;

import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.ProcessRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Runs won leases: a manifest the gateway accepted is started by the runtime, and its first service's
 * port is routed at the ingress under a host named from the lease ({@code <id>.ingress.<domain>}). A lease
 * that ends is torn down. After a restart, {@link #reconcile} re-adopts what still runs for active leases
 * and removes the rest. The state it keeps can be rebuilt from the chain and the runtime's records.
 */
public final class LeaseManager {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseManager.class);

    private final ProcessRuntime runtime;
    private final Ingress ingress;

    public LeaseManager(ProcessRuntime runtime, Ingress ingress) {
        this.runtime = runtime;
        this.ingress = ingress;
    }

    /** The ingress id of a lease: the first 12 hex digits of the SHA-256 of its id. */
    public static String ingressId(String lease) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(lease.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a lease's services from its accepted manifest. */
    public synchronized void deploy(String lease, JsonNode manifest) throws IOException {
        ProcessRuntime.LeaseStatus s = runtime.deploy(lease, manifest);
        route(lease, s);
        LOG.info(
                "lease {}: {} of {} replicas started{}",
                lease,
                s.replicas().size(),
                s.total(),
                s.problem().isEmpty() ? "" : ": " + s.problem());
    }

    private void route(String lease, ProcessRuntime.LeaseStatus s) {
        if (!s.replicas().isEmpty()) {
            ingress.route(ingressId(lease), s.replicas().get(0).port());
        }
    }

    /** Stops a lease's services (it ended). */
    public synchronized void ended(String lease) {
        // Stop sending traffic first, then stop the processes.
        ingress.unroute(ingressId(lease));
        try {
            runtime.teardown(lease);
        } catch (IOException e) {
            LOG.warn("lease {}: teardown failed: {}", lease, e.toString());
        }
    }

    /** After a restart: re-adopts the services of {@code active} leases, removes the others; returns what runs. */
    public synchronized Set<String> reconcile(Set<String> active) throws IOException {
        runtime.adopt();
        List<String> removed = runtime.removeOrphans(active);
        for (String lease : runtime.leases()) {
            route(lease, runtime.status(lease));
        }
        if (!removed.isEmpty()) {
            LOG.info("removed the services of {} ended lease(s)", removed.size());
        }
        return runtime.leases();
    }

    /** What the tenant sees: replicas ready of total, the service URIs, and any problem. */
    public synchronized Map<String, Object> status(String lease) {
        ProcessRuntime.LeaseStatus s = runtime.status(lease);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", s.ready());
        out.put("total", s.total());
        List<String> uris = new ArrayList<>();
        if (!s.replicas().isEmpty()) {
            uris.add(ingress.hostFor(ingressId(lease)) + (ingress.port() == 80 ? "" : ":" + ingress.port()));
        }
        out.put("uris", uris);
        if (!s.problem().isEmpty()) {
            out.put("problem", s.problem());
        }
        return out;
    }
}

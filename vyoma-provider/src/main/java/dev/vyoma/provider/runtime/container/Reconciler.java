package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-healing loop, driven by {@link #tick}: brings the engine to the plans. A replica without a container
 * gets one at once the first time; a replica that stopped (it exited, was OOM-killed or killed) is started again
 * after its {@link Backoff}, and its restarts and why it last stopped are kept as its {@link ReplicaHealth}. A
 * container the engine is still stopping or removing is waited for, and one the engine lost (removed under the
 * loop's eyes) is created again at once: that restart is counted, but as no exit of the tenant's, so it adds no
 * backoff. Running containers are left alone, so a restarted provider takes them back as they are. Not
 * thread-safe: its owner calls it under its lock.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** The engine's error text kept in a replica's last exit reason (the tenant reads it in the lease's status). */
    static final int MAX_REASON_CHARS = 200;
    /** The last exit reason of a replica whose container was removed by someone else than the loop. */
    static final String REMOVED = "container removed";
    /**
     * The states, as the Docker API of Docker and Podman lists them, of a container on its way out: it cannot be
     * started, and it ends exited or gone without anyone's help.
     */
    static final Set<String> GOING = Set.of("removing", "stopping");

    private final DockerClient api;
    private final Provisioner provisioner;
    private final KernelOomLog oomLog;
    private final Backoff backoff;
    private final String owner;
    private final LeaseStore store;
    /** By container name. */
    private final Map<String, ReplicaHealth> health = new HashMap<>();
    /** By container name: its container's id, state and published ports at the last pass. */
    private final Map<String, String> seen = new HashMap<>();
    /** Container name to lease, for each replica whose container changed since the last full pass. */
    private final Map<String, String> movedNow = new HashMap<>();

    Reconciler(
            Engine engine,
            Provisioner provisioner,
            KernelOomLog oomLog,
            Backoff backoff,
            String owner,
            LeaseStore store) {
        this.api = engine.api();
        this.store = store;
        this.provisioner = provisioner;
        this.oomLog = oomLog;
        this.backoff = backoff;
        this.owner = owner;
    }

    /**
     * One pass over every replica of {@code plans} (all the plans that should run) at time {@code now}; returns the
     * leases whose replicas moved since the last pass (a container replaced, stopped or started, or on other host
     * ports), whose routes must follow.
     */
    Set<String> tick(Instant now, Collection<LeasePlan> plans) {
        Set<String> planned = pass(now, plans);
        health.keySet().retainAll(planned);
        seen.keySet().retainAll(planned);
        return moved(planned);
    }

    /** Starts what of {@code plan} does not run (a plan just staged), leaving the other plans' replicas alone. */
    void start(Instant now, LeasePlan plan) {
        pass(now, List.of(plan));
    }

    /** The leases of the replicas in {@code planned} whose container changed since the pass before. */
    private Set<String> moved(Set<String> planned) {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, String> m : movedNow.entrySet()) {
            if (planned.contains(m.getKey())) {
                out.add(m.getValue());
            }
        }
        movedNow.clear();
        return out;
    }

    private Set<String> pass(Instant now, Collection<LeasePlan> plans) {
        Map<String, Container> byName = new HashMap<>();
        for (Container c : api.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(LeaseObjects.ownedBy(owner))
                .exec()) {
            for (String n : c.getNames()) {
                byName.put(n.startsWith("/") ? n.substring(1) : n, c);
            }
        }
        Set<String> planned = new HashSet<>();
        for (LeasePlan plan : plans) {
            LeaseObjects o = LeaseObjects.of(owner, plan.lease());
            for (LeasePlan.Replica r : plan.replicas()) {
                String name = o.container(plan.version(), r.service(), r.index());
                planned.add(name);
                Container c = byName.get(name);
                String where = c == null ? "" : c.getId() + " " + c.getState() + " " + publicPorts(c);
                String before = seen.put(name, where);
                if (before != null && !before.equals(where)) {
                    movedNow.put(name, plan.lease());
                }
                try {
                    heal(now, o, plan.version(), r, name, c, before != null && !before.isEmpty());
                } catch (RuntimeException e) {
                    String why = bounded("cannot start: " + Engine.oneLine(e));
                    ReplicaHealth h = health.getOrDefault(name, ReplicaHealth.NEW);
                    health.put(name, h.exited(why, now.plus(backoff.delay(h.crashes()))));
                    keep(o, name, h);
                    LOG.warn("lease {}: replica {}-{} {}", plan.lease(), r.service(), r.index(), why);
                }
            }
        }
        return planned;
    }

    private static String publicPorts(Container c) {
        List<String> out = new ArrayList<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                out.add(p.getPrivatePort() + ":" + p.getPublicPort() + "/" + p.getType());
            }
        }
        Collections.sort(out);
        return String.join(",", out);
    }

    /**
     * Brings replica {@code r} (container {@code name}, {@code c} as listed, null if none) to running; {@code hadOne}:
     * the pass before saw it with a container.
     */
    private void heal(
            Instant now,
            LeaseObjects o,
            String version,
            LeasePlan.Replica r,
            String name,
            Container c,
            boolean hadOne) {
        ReplicaHealth h = health.get(name);
        if (h == null && c == null) {
            health.put(name, ReplicaHealth.NEW);
            create(o, version, r, name);
            return;
        }
        h = h == null ? ReplicaHealth.NEW : h;
        String state = c == null ? "missing" : c.getState();
        if (state.equals("running") || state.equals("paused") || state.equals("restarting")) {
            health.put(name, state.equals("running") ? h.running(now, backoff) : h);
            return;
        }
        if (GOING.contains(state)) {
            // Stopped or removed by the engine's hand (an operator, the provider's own stop): it ends exited or
            // gone by itself, and the next passes see which.
            return;
        }
        if (c == null && h.restartAt() == null) {
            // The engine lost it: no exit of the tenant's, so no backoff; a replica never seen (a provider that
            // starts again after removing its containers) is simply created.
            ReplicaHealth was = h;
            h = hadOne ? h.replaced(REMOVED) : h;
            health.put(name, h);
            keep(o, name, was);
            if (hadOne) {
                LOG.info(
                        "lease {}: replica {}-{} lost its container; creating it again",
                        o.lease(),
                        r.service(),
                        r.index());
            }
            create(o, version, r, name);
            return;
        }
        if (h.restartAt() == null) {
            String why;
            try {
                why = exitReason(c.getId());
            } catch (NotFoundException e) {
                // Removed since it was listed: the next pass finds it gone.
                return;
            }
            ReplicaHealth was = h;
            h = h.exited(why, now.plus(backoff.delay(h.crashes())));
            health.put(name, h);
            keep(o, name, was);
            LOG.info(
                    "lease {}: replica {}-{} stopped ({}); starting it again at {}",
                    o.lease(),
                    r.service(),
                    r.index(),
                    why,
                    h.restartAt());
        }
        if (now.isBefore(h.restartAt())) {
            return;
        }
        health.put(name, h.restarted());
        // Kept before the start: a provider killed right after it still counts this restart.
        keep(o, name, h);
        if (c == null) {
            create(o, version, r, name);
            return;
        }
        try {
            api.startContainerCmd(c.getId()).exec();
        } catch (RuntimeException e) {
            if (!goneOrGoing(c.getId())) {
                throw e;
            }
            // Removed under the start: the restart did not happen, and the next pass creates the container.
            ReplicaHealth started = health.get(name);
            health.put(name, h);
            keep(o, name, started);
        }
    }

    /**
     * Creates and starts replica {@code r}'s container; a create refused because a container of that name is still
     * on its way out is left for the next pass.
     */
    private void create(LeaseObjects o, String version, LeasePlan.Replica r, String name) {
        String id;
        try {
            id = provisioner.create(o, version, r);
        } catch (RuntimeException e) {
            if (going(name)) {
                return;
            }
            throw e;
        }
        api.startContainerCmd(id).exec();
    }

    /** Whether container {@code ref} (an id or name) is gone or on its way out. */
    private boolean goneOrGoing(String ref) {
        return state(ref).map(GOING::contains).orElse(true);
    }

    /** Whether container {@code ref} (an id or name) is there and on its way out. */
    private boolean going(String ref) {
        return state(ref).map(GOING::contains).orElse(false);
    }

    /** The engine's state of container {@code ref}; empty if there is none. */
    private Optional<String> state(String ref) {
        try {
            String s = api.inspectContainerCmd(ref).exec().getState().getStatus();
            return Optional.of(s == null ? "" : s);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Stores the health of the lease's replicas if replica {@code name}'s restarts or last exit changed from
     * {@code was}; a store that fails is logged (the counts live on in memory).
     */
    private void keep(LeaseObjects o, String name, ReplicaHealth was) {
        ReplicaHealth now = health.get(name);
        if (now.restarts() == was.restarts() && now.lastExit().equals(was.lastExit())) {
            return;
        }
        Map<String, ReplicaHealth> lease = new java.util.TreeMap<>();
        String prefix = o.network() + "-";
        health.forEach((n, h) -> {
            if (n.startsWith(prefix) && (h.restarts() > 0 || !h.lastExit().isEmpty())) {
                lease.put(n, h);
            }
        });
        try {
            store.saveHealth(o.lease(), lease);
        } catch (IOException e) {
            LOG.warn("lease {}: cannot keep its replicas' restarts: {}", o.lease(), e.toString());
        }
    }

    /**
     * A restarted provider takes back what it knew of the replicas of {@code plan}: their restarts and last exit
     * reasons, as kept in the store.
     */
    void restore(LeasePlan plan) throws IOException {
        LeaseObjects o = LeaseObjects.of(owner, plan.lease());
        Map<String, ReplicaHealth> kept = store.health(plan.lease());
        for (LeasePlan.Replica r : plan.replicas()) {
            String name = o.container(plan.version(), r.service(), r.index());
            ReplicaHealth h = kept.get(name);
            if (h != null && !health.containsKey(name)) {
                health.put(name, h);
            }
        }
    }

    /** {@code OOMKilled}, {@code Completed} or {@code Error (exit code N)}, as Kubernetes words a termination. */
    private String exitReason(String id) {
        InspectContainerResponse.ContainerState s =
                api.inspectContainerCmd(id).exec().getState();
        long code = s.getExitCodeLong() == null ? -1 : s.getExitCodeLong();
        if (Boolean.TRUE.equals(s.getOOMKilled())
                || (code != 0 && oomLog.killed(id, instant(s.getStartedAt()), instant(s.getFinishedAt())))) {
            return "OOMKilled";
        }
        String error = s.getError() == null || s.getError().isBlank() ? "" : ": " + Engine.oneLine(s.getError());
        return code == 0 ? "Completed" : bounded("Error (exit code " + code + error + ")");
    }

    static String bounded(String reason) {
        return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS - 1) + "…" : reason;
    }

    private static Instant instant(String time) {
        try {
            return time == null ? Instant.EPOCH : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** What the loop knows of the replica in container {@code name}. */
    Optional<ReplicaHealth> health(String name) {
        return Optional.ofNullable(health.get(name));
    }

    /** Forgets the replicas in {@code names} (their containers were replaced or removed). */
    void forget(Collection<String> names) {
        health.keySet().removeAll(names);
        seen.keySet().removeAll(names);
    }
}

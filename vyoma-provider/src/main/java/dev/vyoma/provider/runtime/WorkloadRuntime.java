package dev.vyoma.provider.runtime;

import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where a provider runs its leases' services. {@link ProcessRuntime} runs them as local processes (devnets and
 * single machines); a Kubernetes runtime implements the same contract. Every method is keyed by the lease id
 * ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) and safe to call from several threads.
 */
public interface WorkloadRuntime {
    /**
     * One running replica: its service, index, process, the host port it was given as {@code PORT}, the host
     * port for each port the service exposes, and where its output goes.
     */
    record Replica(String service, int index, long pid, int port, Map<Integer, Integer> ports, Path log) {
        public Replica {
            ports = Map.copyOf(ports);
        }
    }

    /**
     * What a lease's services are doing; {@code version} is the version of the manifest group they run, and
     * {@code updating} the version being rolled out beside them (empty when none is).
     */
    record LeaseStatus(
            String lease,
            int ready,
            int total,
            List<Replica> replicas,
            String problem,
            String version,
            String updating) {
        /** A status with no update under way. */
        public LeaseStatus(String lease, int ready, int total, List<Replica> replicas, String problem, String version) {
            this(lease, ready, total, replicas, problem, version, "");
        }
    }

    /** Which output to read: one service or all (empty), the last {@code tail} lines, and whether to follow. */
    record LogRequest(String service, int tail, boolean follow) {}

    /**
     * Starts the services of {@code group} (the lease's group of a manifest read and checked at the gateway) for
     * {@code lease}. The same group again changes nothing; a different one replaces what runs (an update).
     */
    LeaseStatus deploy(String lease, ManifestGroup group) throws IOException;

    /** What a deploy tells its caller as it goes: events for the tenant, and when to move the traffic. */
    interface Rollout {
        /** Something the tenant should know (an image pulled, replicas ready, an update that failed, and why). */
        void event(String message);

        /**
         * The lease's new replicas run and are ready: route its traffic to what {@link #status} lists now. The old
         * replicas stop only after this returns.
         */
        void cutover() throws IOException;
    }

    /**
     * Starts {@code group} for {@code lease} as {@link #deploy(String, ManifestGroup)} does, telling
     * {@code rollout} when to move the traffic. This default replaces the lease's replicas at once and then cuts
     * over; a runtime that updates without downtime starts the new replicas beside the old ones, cuts over once
     * they are ready and only then stops the old ones, and may return before it is done.
     */
    default LeaseStatus deploy(String lease, ManifestGroup group, Rollout rollout) throws IOException {
        LeaseStatus s = deploy(lease, group);
        rollout.cutover();
        return s;
    }

    LeaseStatus status(String lease);

    /** A global port of a lease's service as the tenant reaches it: at {@code host}, on {@code externalPort}. */
    record PublishedPort(String service, int port, String host, int externalPort, String proto) {}

    /**
     * How a lease's global ports are reached, for a runtime that publishes them itself: the URIs of its port-80
     * services, its other ports, and what cannot be reached yet (empty if everything can).
     */
    record Endpoints(List<String> uris, List<PublishedPort> ports, String problem) {
        public Endpoints {
            uris = List.copyOf(uris);
            ports = List.copyOf(ports);
        }
    }

    /**
     * How the lease is reached, where this runtime publishes its global ports itself (a cluster's ingress and
     * NodePorts); empty where the provider routes them (its own ingress and port forwarders to the replicas' host
     * ports), as this default says.
     */
    default Optional<Endpoints> endpoints(String lease) {
        return Optional.empty();
    }

    /**
     * Asks to be told, with the lease's id, when a lease's replicas move on their own, outside a {@link #deploy}: a
     * replica started again in a new container, on new host ports. The listener is called on a thread of the
     * runtime's, never under its lock; it reads the new addresses from {@link #status}. This default, for a runtime
     * whose replicas never move, tells nothing.
     */
    default void watchReplicas(Consumer<String> moved) {}

    /** Something the runtime's platform said about a lease's objects, for {@code vyoma deploy events}. */
    record Event(java.time.Instant time, String message) {}

    /**
     * What the runtime's platform said about the lease (a cluster's events: scheduling, pulls, kills), oldest first, at
     * most {@code max}. This default, for a runtime whose events reach the tenant through its {@link Rollout}, says
     * nothing.
     */
    default List<Event> events(String lease, int max) throws IOException {
        return List.of();
    }

    /** Stops a lease's services and forgets them (a lease found stopped, too). */
    void teardown(String lease) throws IOException;

    /**
     * What a provider finds after a restart: the leases whose services still run (taken back), and the leases whose
     * services were stopped but whose manifest group was kept (to start again if the lease is still active).
     */
    record Found(Set<String> running, Map<String, ManifestGroup> stopped) {
        public Found {
            running = Set.copyOf(running);
            stopped = Map.copyOf(stopped);
        }
    }

    /** After a restart: takes back what still runs from an earlier life, and says what was stopped. */
    Found adopt() throws IOException;

    /**
     * Stops every lease's services, keeping what each runs, so that a later {@link #adopt} finds them stopped: for a
     * devnet, which stops what it started when it stops (a provider's own shutdown leaves them running).
     */
    void stopAll() throws IOException;

    /** Stops the services of every lease not in {@code active}; returns those removed. */
    List<String> removeOrphans(Set<String> active) throws IOException;

    /** The manifest group a lease's services run, if it has any. */
    Optional<ManifestGroup> manifest(String lease);

    /** Leases with services in this runtime. */
    Set<String> leases();

    /**
     * Writes a lease's output, line by line, each prefixed with {@code [service-index]}: the last
     * {@code tail} lines of each replica, then (when following) new lines until {@code stop} says so or the
     * lease is torn down.
     */
    void logs(String lease, LogRequest request, Consumer<String> line, BooleanSupplier stop)
            throws IOException, InterruptedException;

    /**
     * A command to run in one of a lease's replicas, not started yet; refused when the runtime cannot run one,
     * or the replica does not exist or does not run.
     */
    Shell shell(String lease, Shell.Request request) throws Shell.Refused, IOException;
}

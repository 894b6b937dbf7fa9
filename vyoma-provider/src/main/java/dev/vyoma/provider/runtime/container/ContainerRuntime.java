package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.json.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs each lease's services as OCI containers on a Docker-API engine, as Akash's provider runs them on Kubernetes:
 * {@link ManifestPlanner} turns the manifest into a plan, {@link Provisioner} creates the lease's isolated network,
 * volumes and containers, {@link Reconciler} (every {@link #RECONCILE_EVERY}, on this class's one thread) restarts
 * replicas that stop, with backoff, and {@link StatusReader} and {@link ContainerLogs} report. Every object carries
 * the provider's (owner's) and the lease's labels, and the manifest is kept in the state directory, so a restarted
 * provider takes its running containers back untouched ({@link #adopt}) and removes those of ended leases
 * ({@link #removeOrphans}). Thread-safe; engine calls happen under one lock.
 */
public final class ContainerRuntime implements WorkloadRuntime, AutoCloseable {
    public static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final Engine engine;
    private final String owner;
    private final Clock clock;
    private final LeaseStore store;
    private final Provisioner provisioner;
    private final Reconciler reconciler;
    private final Sweeper sweeper;
    private final StatusReader reader;
    private final ContainerLogs logs;
    private final Map<String, LeasePlan> plans = new LinkedHashMap<>();
    /** Why a lease's manifest does not run (refused, or an image cannot be had); empty when it runs. */
    private final Map<String, String> problems = new LinkedHashMap<>();

    private final ScheduledExecutorService loop;

    /** Runs leases for provider {@code owner} on {@code engine} (which it closes), keeping manifests under {@code state}. */
    public ContainerRuntime(Engine engine, String owner, Path state) throws IOException {
        this(engine, owner, state, Clock.systemUTC(), Backoff.DEFAULT, RECONCILE_EVERY);
    }

    public ContainerRuntime(Engine engine, String owner, Path state, Clock clock, Backoff backoff, Duration every)
            throws IOException {
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner " + owner + " must be lowercase letters, digits, . _ -");
        }
        this.engine = engine;
        this.owner = owner;
        this.clock = clock;
        this.store = new LeaseStore(state, owner);
        this.provisioner = new Provisioner(engine, ReplicaLimits.ofThisHost());
        this.reconciler = new Reconciler(engine, provisioner, new KernelOomLog(), backoff, owner);
        this.sweeper = new Sweeper(engine, owner);
        this.reader = new StatusReader(engine);
        this.logs = new ContainerLogs(engine);
        this.loop = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("container-reconcile").factory());
        loop.scheduleWithFixedDelay(this::reconcile, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public LeaseStatus deploy(String lease, JsonNode manifest) throws IOException {
        List<ManifestGroup> groups;
        try {
            groups = ManifestJson.groups(manifest);
        } catch (IllegalArgumentException e) {
            synchronized (this) {
                return refuse(lease, e.getMessage());
            }
        }
        return deploy(lease, groups);
    }

    /**
     * Starts the lease's manifest groups; the same manifest again changes nothing, another replaces the lease's
     * containers (its persistent volumes stay). A manifest this runtime refuses, or whose image cannot be had,
     * leaves what runs as it is, and the lease's status says why.
     */
    public synchronized LeaseStatus deploy(String lease, List<ManifestGroup> groups) throws IOException {
        String version = new Manifest(groups).version().hex();
        LeasePlan running = plans.get(lease);
        if (running != null && running.version().equals(version)) {
            return status(lease);
        }
        LeasePlan plan;
        try {
            plan = ManifestPlanner.plan(lease, version, groups);
        } catch (ManifestPlanner.Refused e) {
            return refuse(lease, e.getMessage());
        }
        try {
            for (String image : plan.replicas().stream()
                    .map(LeasePlan.Replica::image)
                    .distinct()
                    .toList()) {
                Optional<String> missing = provisioner.image(image);
                if (missing.isPresent()) {
                    return refuse(lease, missing.get());
                }
            }
            store.save(
                    lease,
                    JsonWriter.compact(AkashJson.manifest(new Manifest(groups))).getBytes(StandardCharsets.UTF_8));
            LeaseObjects o = LeaseObjects.of(owner, lease);
            provisioner.network(o, version);
            // An update replaces every container; the reconciler's pass below creates and starts the new ones.
            reconciler.forget(sweeper.removeContainers(lease, c -> true));
            plans.put(lease, plan);
            problems.remove(lease);
            reconciler.tick(clock.instant(), List.of(plan));
        } catch (RuntimeException e) {
            throw new IOException("lease " + lease + ": the container engine failed: " + Engine.oneLine(e), e);
        }
        LOG.info(
                "lease {}: {} replica(s) of manifest {} started",
                lease,
                plan.replicas().size(),
                version);
        return status(lease);
    }

    private LeaseStatus refuse(String lease, String why) {
        problems.put(lease, why);
        plans.putIfAbsent(lease, new LeasePlan(lease, "", List.of()));
        return status(lease);
    }

    @Override
    public synchronized LeaseStatus status(String lease) {
        LeasePlan plan = plans.get(lease);
        if (plan == null) {
            return new LeaseStatus(lease, 0, 0, List.of(), "", "");
        }
        List<Replica> replicas = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (problems.containsKey(lease)) {
            notes.add(problems.get(lease));
        }
        int ready = 0;
        for (Seen s : seen(plan)) {
            if (s.observed() != null) {
                replicas.add(s.observed().replica());
                ready += s.observed().ready() ? 1 : 0;
            }
            if (s.health().restarts() > 0 || s.health().restartAt() != null) {
                notes.add(s.replica().service() + "-" + s.replica().index() + " restarted "
                        + s.health().restarts() + " time(s), last stopped: "
                        + s.health().lastExit());
            }
        }
        return new LeaseStatus(
                lease, ready, plan.replicas().size(), replicas, String.join("; ", notes), plan.version());
    }

    /**
     * One replica as the engine and the reconcile loop see it: its container ({@code ""} if it has none), the
     * engine's state of it, whether it is ready, how often it was restarted and why it last stopped.
     */
    public record ReplicaState(
            String service,
            int index,
            String containerId,
            String state,
            boolean ready,
            int restarts,
            String lastExit) {}

    /** Each planned replica of {@code lease}, in plan order. */
    public synchronized List<ReplicaState> replicaStates(String lease) {
        LeasePlan plan = plans.get(lease);
        List<ReplicaState> out = new ArrayList<>();
        for (Seen s : plan == null ? List.<Seen>of() : seen(plan)) {
            StatusReader.Observed o = s.observed();
            out.add(new ReplicaState(
                    s.replica().service(),
                    s.replica().index(),
                    o == null ? "" : o.containerId(),
                    o == null ? "missing" : o.state(),
                    o != null && o.ready(),
                    s.health().restarts(),
                    s.health().lastExit()));
        }
        return out;
    }

    private record Seen(LeasePlan.Replica replica, StatusReader.Observed observed, ReplicaHealth health) {}

    private List<Seen> seen(LeasePlan plan) {
        LeaseObjects o = LeaseObjects.of(owner, plan.lease());
        List<Seen> out = new ArrayList<>();
        for (LeasePlan.Replica r : plan.replicas()) {
            out.add(new Seen(
                    r,
                    reader.observe(o, r).orElse(null),
                    reconciler.health(o.container(r.service(), r.index())).orElse(ReplicaHealth.NEW)));
        }
        return out;
    }

    @Override
    public synchronized void teardown(String lease) throws IOException {
        plans.remove(lease);
        problems.remove(lease);
        try {
            reconciler.forget(sweeper.remove(lease));
        } catch (RuntimeException e) {
            throw new IOException("lease " + lease + ": the container engine failed: " + Engine.oneLine(e), e);
        }
        store.delete(lease);
        LOG.info("lease {}: containers, volumes and network removed", lease);
    }

    /**
     * After a restart: takes back every lease with a stored manifest or with objects in the engine. Running
     * containers are left as they are; the reconcile loop starts stopped ones and recreates missing ones. A lease
     * whose manifest is gone or no longer plans is removed, and so are containers of an older manifest version.
     */
    @Override
    public synchronized Set<String> adopt() throws IOException {
        Set<String> leases = new LinkedHashSet<>(store.leases());
        leases.addAll(engineLeases());
        Set<String> found = new LinkedHashSet<>();
        for (String lease : leases) {
            Optional<LeasePlan> plan = storedPlan(lease);
            if (plan.isEmpty()) {
                teardown(lease);
                continue;
            }
            String version = plan.get().version();
            try {
                reconciler.forget(sweeper.removeContainers(
                        lease, c -> !version.equals(c.getLabels().get(LeaseObjects.VERSION))));
            } catch (RuntimeException e) {
                throw new IOException("the container engine failed: " + Engine.oneLine(e), e);
            }
            plans.put(lease, plan.get());
            found.add(lease);
        }
        return found;
    }

    private Optional<LeasePlan> storedPlan(String lease) throws IOException {
        Optional<JsonNode> m = manifest(lease);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<ManifestGroup> groups = ManifestJson.groups(m.get());
            return Optional.of(
                    ManifestPlanner.plan(lease, new Manifest(groups).version().hex(), groups));
        } catch (IllegalArgumentException | ManifestPlanner.Refused e) {
            LOG.warn("lease {}: its stored manifest does not plan ({}); removing it", lease, e.getMessage());
            return Optional.empty();
        }
    }

    private Set<String> engineLeases() throws IOException {
        try {
            return sweeper.leases();
        } catch (RuntimeException e) {
            throw new IOException("the container engine failed: " + Engine.oneLine(e), e);
        }
    }

    /** Removes every lease not in {@code active}: known here, stored, or found in the engine by label. */
    @Override
    public synchronized List<String> removeOrphans(Set<String> active) throws IOException {
        Set<String> all = new LinkedHashSet<>(plans.keySet());
        all.addAll(store.leases());
        all.addAll(engineLeases());
        List<String> removed = new ArrayList<>();
        for (String lease : all) {
            if (!active.contains(lease)) {
                teardown(lease);
                removed.add(lease);
            }
        }
        return removed;
    }

    @Override
    public synchronized Optional<JsonNode> manifest(String lease) {
        try {
            Optional<byte[]> bytes =
                    plans.containsKey(lease) || !store.leases().isEmpty() ? store.manifest(lease) : Optional.empty();
            return bytes.map(JSON::readTree);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized Set<String> leases() {
        return Set.copyOf(plans.keySet());
    }

    @Override
    public void logs(String lease, LogRequest request, Consumer<String> line, BooleanSupplier stop)
            throws IOException, InterruptedException {
        List<ContainerLogs.Source> sources = new ArrayList<>();
        for (ReplicaState s : replicaStates(lease)) {
            if (!s.containerId().isEmpty()
                    && (request.service().isEmpty() || request.service().equals(s.service()))) {
                sources.add(new ContainerLogs.Source(s.service(), s.index(), s.containerId()));
            }
        }
        try {
            logs.write(sources, request, line, stop, () -> !leases().contains(lease));
        } catch (RuntimeException e) {
            throw new IOException("lease " + lease + ": cannot read its logs: " + Engine.oneLine(e), e);
        }
    }

    /** One pass of the reconcile loop (run every {@link #RECONCILE_EVERY}); a failing engine is retried next pass. */
    synchronized void reconcile() {
        try {
            reconciler.tick(clock.instant(), List.copyOf(plans.values()));
        } catch (RuntimeException e) {
            LOG.warn("reconcile pass failed: {}", Engine.oneLine(e));
        }
    }

    /** Stops the reconcile loop and closes the engine connection; the containers keep running for the next start. */
    @Override
    public void close() {
        // The pass under way finishes (it holds the lock briefly); interrupting it would abort an engine call.
        loop.shutdown();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }
}

package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.runtime.Shell;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Runs each lease's services as OCI containers on a Docker-API engine, as Akash's provider runs them on Kubernetes:
 * {@link RolloutJob}s ({@link Rollouts}, on threads of their own) roll each manifest out with the steps of
 * {@link Deployer}: plan it ({@link ManifestPlanner}), pull its images, create the lease's isolated network, volumes
 * and containers ({@link Provisioner}) beside the running ones, move the traffic once they are ready and stop the
 * old ones; {@link Reconciler}, every {@link #RECONCILE_EVERY} on this class's one thread, starts replicas that
 * stopped, with backoff; {@link Recovery} takes a restarted provider's containers back; {@link LeaseReports} and
 * {@link ContainerLogs} report; {@link ContainerShell} runs commands in replicas. Every object carries the
 * provider's (owner's) and the lease's labels. Thread-safe: engine calls happen under this object's lock, except
 * image pulls, log streams and shells.
 */
public final class ContainerRuntime implements WorkloadRuntime, AutoCloseable {
    public static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRuntime.class);
    private static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    /**
     * One replica as the engine and the reconcile loop see it: its container ({@code replica} null and
     * {@code containerId} empty if it has none), the engine's state of it, whether it is ready, how often it was
     * restarted and why it last stopped ({@code OOMKilled}, {@code Error (exit code 137)}, ...).
     */
    public record ReplicaState(
            String service,
            int index,
            Replica replica,
            String containerId,
            String state,
            boolean ready,
            int restarts,
            String lastExit) {}

    private final Engine engine;
    private final Clock clock;
    private final LeaseStore store;
    private final DesiredState desired = new DesiredState();
    private final Reconciler reconciler;
    private final Deployer deployer;
    private final Recovery recovery;
    private final Sweeper sweeper;
    private final LeaseReports reports;
    private final ContainerLogs logs;
    private final Rollouts rollouts = new Rollouts();
    private final RolloutJob.Context rolloutContext;
    private final Settings settings;
    private final ScheduledExecutorService loop;
    private final List<Consumer<String>> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * The runtime's clock and timings: the restart backoff, how often the reconcile loop runs, how long an update's
     * new replicas have to become ready, how long requests in flight have to finish before the old replicas stop,
     * and how long a stopped container has between SIGTERM (or its image's stop signal) and SIGKILL.
     * {@link #DEFAULTS} is what a provider runs with; tests use shorter ones.
     */
    public record Settings(
            Clock clock,
            Backoff backoff,
            Duration reconcileEvery,
            Duration readyTimeout,
            Duration drain,
            Duration stopGrace) {
        /** How long the new replicas of an update have to become ready; then the update is given up. */
        public static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
        /** How long requests in flight to the old replicas have to finish after the traffic moved. */
        public static final Duration DRAIN = Duration.ofSeconds(5);
        /** Between SIGTERM and SIGKILL when the provider stops a container: Docker's and Podman's default. */
        public static final Duration STOP_GRACE = Duration.ofSeconds(10);
        /** The longest grace: a stop must end well within an engine call's {@link Engine#RESPONSE_TIMEOUT}. */
        public static final Duration MAX_STOP_GRACE = Duration.ofSeconds(60);

        public static final Settings DEFAULTS =
                new Settings(Clock.systemUTC(), Backoff.DEFAULT, RECONCILE_EVERY, READY_TIMEOUT, DRAIN, STOP_GRACE);

        public Settings {
            checkStopGrace(stopGrace);
        }

        /** These settings with the default {@link #STOP_GRACE}. */
        public Settings(Clock clock, Backoff backoff, Duration reconcileEvery, Duration readyTimeout, Duration drain) {
            this(clock, backoff, reconcileEvery, readyTimeout, drain, STOP_GRACE);
        }

        /** These settings with {@code grace} between SIGTERM and SIGKILL. */
        public Settings withStopGrace(Duration grace) {
            return new Settings(clock, backoff, reconcileEvery, readyTimeout, drain, grace);
        }

        /**
         * Refuses a grace the engines cannot take: they count it in whole seconds, from 0 (SIGKILL at once) to
         * {@link #MAX_STOP_GRACE}.
         */
        public static void checkStopGrace(Duration grace) {
            if (grace.isNegative() || grace.compareTo(MAX_STOP_GRACE) > 0 || grace.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("the stop grace must be whole seconds from 0s to "
                        + MAX_STOP_GRACE.toSeconds() + "s, got " + grace.toMillis() + "ms");
            }
        }
    }

    /** Runs the leases of provider {@code owner} on {@code engine} (closed with this), manifests kept in {@code state}. */
    public ContainerRuntime(Engine engine, String owner, Path state) throws IOException {
        this(engine, owner, state, Settings.DEFAULTS);
    }

    /** As {@link #ContainerRuntime(Engine, String, Path, Settings)}, with the default update timings. */
    public ContainerRuntime(Engine engine, String owner, Path state, Clock clock, Backoff backoff, Duration every)
            throws IOException {
        this(engine, owner, state, new Settings(clock, backoff, every, Settings.READY_TIMEOUT, Settings.DRAIN));
    }

    /**
     * The provider's runtime: the engine at {@code configured}, else the one {@link EngineAddress#discover} finds;
     * the exception says what to install or start when there is none.
     */
    public static ContainerRuntime connect(Optional<EngineAddress> configured, String owner, Path state)
            throws IOException {
        return connect(configured, owner, state, GpuPool.NONE);
    }

    /** As {@link #connect(Optional, String, Path)}, handing the GPUs of {@code gpus} to the leases that ask. */
    public static ContainerRuntime connect(Optional<EngineAddress> configured, String owner, Path state, GpuPool gpus)
            throws IOException {
        return connect(configured, owner, state, gpus, Settings.STOP_GRACE);
    }

    /**
     * As {@link #connect(Optional, String, Path, GpuPool)}, each container given {@code stopGrace} between SIGTERM
     * and SIGKILL when it is stopped.
     */
    public static ContainerRuntime connect(
            Optional<EngineAddress> configured, String owner, Path state, GpuPool gpus, Duration stopGrace)
            throws IOException {
        Settings settings = Settings.DEFAULTS.withStopGrace(stopGrace);
        EngineAddress address = EngineAddress.discover(configured)
                .orElseThrow(() -> new IOException("no container engine found (DOCKER_HOST is unset and none of "
                        + EngineAddress.USUAL_SOCKETS + " exists); install podman and runc and start "
                        + "podman --cgroup-manager=cgroupfs --runtime runc system service --time=0, "
                        + "or set containerEngine in provider.yaml"));
        return new ContainerRuntime(Engine.connect(address), owner, state, settings, gpus);
    }

    /** Runs the leases of provider {@code owner} on {@code engine} (closed with this), with {@code settings}. */
    public ContainerRuntime(Engine engine, String owner, Path state, Settings settings) throws IOException {
        this(engine, owner, state, settings, GpuPool.NONE);
    }

    /**
     * Runs the leases of provider {@code owner} on {@code engine} (closed with this), with {@code settings}, handing
     * the GPUs of {@code gpus} to the leases that ask for them.
     */
    public ContainerRuntime(Engine engine, String owner, Path state, Settings settings, GpuPool gpus)
            throws IOException {
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner " + owner + " must be lowercase letters, digits, . _ -");
        }
        this.engine = engine;
        this.settings = settings;
        this.clock = settings.clock();
        this.store = new LeaseStore(state, owner);
        Provisioner provisioner = new Provisioner(engine, ReplicaLimits.ofThisHost(), settings.stopGrace());
        this.sweeper = new Sweeper(engine, owner, settings.stopGrace());
        this.reconciler = new Reconciler(engine, provisioner, new KernelOomLog(), settings.backoff(), owner, store);
        this.deployer = new Deployer(
                owner,
                desired,
                store,
                provisioner,
                new ImagePuller(engine),
                sweeper,
                reconciler,
                new GpuAllocator(gpus, store));
        this.recovery = new Recovery(desired, store, sweeper, reconciler, deployer);
        this.reports = new LeaseReports(owner, desired, new StatusReader(engine), reconciler);
        this.logs = new ContainerLogs(engine);
        this.rolloutContext = new RolloutJob.Context(
                this, deployer, desired, reports, clock, settings.readyTimeout(), settings.drain());
        this.loop = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("container-reconcile").factory());
        long every = settings.reconcileEvery().toMillis();
        // reconcile() logs its failures and never throws, so the schedule only ends when close() stops the loop.
        var unused = loop.scheduleWithFixedDelay(this::reconcile, every, every, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code group} for the lease and returns once the rollout is done (see {@link #deploy(String, List)}). */
    @Override
    public LeaseStatus deploy(String lease, ManifestGroup group) throws IOException {
        return deploy(lease, List.of(group));
    }

    /**
     * Runs the lease's manifest groups and returns once the new replicas run (or the manifest was refused): the
     * same manifest again changes nothing, another is rolled out (see {@link RolloutJob}; the persistent volumes
     * stay). A manifest refused, whose image cannot be had or whose replicas do not become ready leaves what runs
     * as it is, and the lease's status says why.
     */
    public LeaseStatus deploy(String lease, List<ManifestGroup> groups) throws IOException {
        Optional<RolloutJob> job = start(lease, groups, QUIET);
        if (job.isPresent()) {
            Duration longest = ImagePuller.PULL_TIMEOUT
                    .plus(settings.readyTimeout())
                    .plus(settings.drain())
                    .plusMinutes(1);
            try {
                job.get().done().get(longest.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while lease " + lease + " was deployed", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("lease " + lease + ": the rollout did not end: " + e, e);
            }
        }
        return status(lease);
    }

    /**
     * Rolls {@code group} out to the lease and returns at once: the new replicas start beside the old ones, the
     * traffic moves to them ({@code rollout.cutover()}) once they are all ready, and then the old ones stop. What
     * happens is told to {@code rollout} as events.
     */
    @Override
    public LeaseStatus deploy(String lease, ManifestGroup group, Rollout rollout) {
        start(lease, List.of(group), rollout);
        return status(lease);
    }

    /** Plans the manifest and submits its rollout; empty if there is nothing to roll out (the status says why). */
    private Optional<RolloutJob> start(String lease, List<ManifestGroup> groups, Rollout rollout) {
        String refused;
        synchronized (this) {
            try {
                Optional<LeasePlan> plan = deployer.plan(lease, groups);
                if (plan.isEmpty()) {
                    // The lease runs this manifest: an update to another one under way is no longer wanted.
                    rollouts.cancel(lease);
                    return Optional.empty();
                }
                Optional<RolloutJob> same = rollouts.running(lease, plan.get().version());
                if (same.isPresent()) {
                    return same;
                }
                if (!rollouts.full()) {
                    RolloutJob job = new RolloutJob(rolloutContext, plan.get(), groups, rollout, rollouts.last(lease));
                    rollouts.submit(job);
                    return Optional.of(job);
                }
                refused = "the provider has " + Rollouts.MAX_PENDING
                        + " updates under way, its most; send the manifest again later";
            } catch (ManifestRefused e) {
                refused = e.getMessage();
            }
            deployer.refuse(lease, refused);
        }
        rollout.event("manifest refused: " + refused);
        return Optional.empty();
    }

    /** A rollout that tells no one: for callers that wait for the end and read the status. */
    private static final Rollout QUIET = new Rollout() {
        @Override
        public void event(String message) {}

        @Override
        public void cutover() {}
    };

    @Override
    public synchronized LeaseStatus status(String lease) {
        LeaseStatus s = reports.status(lease);
        return rollouts.updating(lease)
                .map(v -> new LeaseStatus(s.lease(), s.ready(), s.total(), s.replicas(), s.problem(), s.version(), v))
                .orElse(s);
    }

    /** Each planned replica of {@code lease}, in plan order. */
    public synchronized List<ReplicaState> replicaStates(String lease) {
        return reports.replicas(lease);
    }

    @Override
    public synchronized void teardown(String lease) throws IOException {
        rollouts.cancel(lease);
        engine("lease " + lease, () -> {
            deployer.teardown(lease);
            return null;
        });
    }

    /** See {@link Recovery}: running containers are taken back as they are. */
    @Override
    public synchronized Found adopt() throws IOException {
        // A lease whose containers were stopped or removed has them started again before this returns: all run.
        return new Found(engine("adopting leases", () -> recovery.adopt(clock.instant())), Map.of());
    }

    /**
     * Stops the reconcile loop and removes every lease's containers, all stopped at once (one stop grace for all),
     * keeping their networks, volumes and stored manifests: the next {@link #adopt} creates them again for the
     * leases still active.
     */
    @Override
    public synchronized void stopAll() throws IOException {
        loop.shutdown();
        rollouts.close();
        engine("stopping every lease", () -> {
            reconciler.forget(sweeper.removeAllContainers());
            return null;
        });
    }

    @Override
    public synchronized List<String> removeOrphans(Set<String> active) throws IOException {
        return engine("removing ended leases", () -> recovery.removeOrphans(active));
    }

    @Override
    public synchronized Optional<ManifestGroup> manifest(String lease) {
        try {
            Optional<byte[]> stored = store.manifest(lease);
            return stored.isEmpty()
                    ? Optional.empty()
                    : ManifestReader.read(stored.get()).groups().stream().findFirst();
        } catch (IOException | InvalidManifestException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized Set<String> leases() {
        return desired.leases();
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

    /**
     * A command for replica {@code request.replica()} of {@code request.service()} (the lease's only service if
     * empty), refused if the lease has no such replica or it does not run.
     */
    @Override
    public Shell shell(String lease, Shell.Request request) throws Shell.Refused {
        List<ReplicaState> states = replicaStates(lease);
        Set<String> services = new java.util.LinkedHashSet<>();
        states.forEach(s -> services.add(s.service()));
        if (services.isEmpty()) {
            throw new Shell.Refused(Shell.Refused.Reason.NO_SUCH_REPLICA, "lease " + lease + " runs nothing here");
        }
        String service = request.service();
        if (service.isEmpty()) {
            if (services.size() > 1) {
                throw new Shell.Refused(
                        Shell.Refused.Reason.NO_SUCH_REPLICA,
                        "the lease runs services " + String.join(", ", services) + "; name one");
            }
            service = services.iterator().next();
        } else if (!services.contains(service)) {
            throw new Shell.Refused(
                    Shell.Refused.Reason.NO_SUCH_REPLICA,
                    "the lease has no service " + service + "; it runs " + String.join(", ", services));
        }
        String name = service;
        List<ReplicaState> replicas =
                states.stream().filter(s -> s.service().equals(name)).toList();
        ReplicaState target = replicas.stream()
                .filter(s -> s.index() == request.replica())
                .findFirst()
                .orElseThrow(() -> new Shell.Refused(
                        Shell.Refused.Reason.NO_SUCH_REPLICA,
                        "service " + name + " has replicas 0 to " + (replicas.size() - 1) + ", not "
                                + request.replica()));
        if (!target.state().equals("running")) {
            throw new Shell.Refused(
                    Shell.Refused.Reason.NOT_RUNNING,
                    "replica " + name + "-" + target.index() + " is not running (" + target.state()
                            + (target.lastExit().isEmpty() ? "" : ", last stopped: " + target.lastExit())
                            + "); try again when it runs");
        }
        return new ContainerShell(engine, target.containerId(), request);
    }

    /** Tells {@code moved} the leases whose replicas the reconcile loop moved (see {@link Reconciler#tick}). */
    @Override
    public void watchReplicas(Consumer<String> moved) {
        watchers.add(moved);
    }

    /**
     * One pass of the reconcile loop; an engine that fails is tried again next pass. The watchers hear of the
     * leases whose replicas moved after the pass, outside the lock.
     */
    void reconcile() {
        Set<String> moved;
        synchronized (this) {
            try {
                moved = reconciler.tick(clock.instant(), desired.plans());
            } catch (RuntimeException e) {
                LOG.warn("reconcile pass failed: {}", Engine.oneLine(e));
                return;
            }
        }
        for (String lease : moved) {
            for (Consumer<String> w : watchers) {
                try {
                    w.accept(lease);
                } catch (RuntimeException e) {
                    LOG.warn("lease {}: a watcher of its replicas failed: {}", lease, e.toString());
                }
            }
        }
    }

    private interface EngineCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call}; an engine failure (docker-java throws unchecked) becomes one IOException line. */
    private static <T> T engine(String what, EngineCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw new IOException(what + ": the container engine failed: " + Engine.oneLine(e), e);
        }
    }

    /** Stops the reconcile loop and closes the engine connection; the containers keep running for the next start. */
    @Override
    public void close() {
        // The pass under way finishes; interrupting it would abort an engine call half done.
        loop.shutdown();
        rollouts.close();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }
}

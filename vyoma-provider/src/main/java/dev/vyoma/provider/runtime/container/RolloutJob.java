package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One manifest rolled out to one lease, as a Kubernetes Deployment rolls out a new ReplicaSet: pull the images
 * (without the runtime's lock), start the new replicas beside the old ones, wait until every new replica is ready,
 * promote the new plan and cut the traffic over, wait {@code drain} for requests in flight, then stop the old
 * replicas. If the new replicas are not all ready within {@code readyTimeout}, they are removed and the lease goes
 * on with what it ran, its status saying why. A newer manifest for the lease, or the lease's end, supersedes the
 * job: it stops at its next step and removes what it started. The tenant is told each step through the
 * {@link WorkloadRuntime.Rollout}, which is never called under the runtime's lock.
 */
final class RolloutJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutJob.class);
    /** How often readiness is looked at while waiting. */
    static final Duration POLL = Duration.ofMillis(250);

    /** What a job needs of the runtime: its lock, its steps, its reports, and the timings. */
    record Context(
            Object lock,
            Deployer deployer,
            DesiredState desired,
            LeaseReports reports,
            Clock clock,
            Duration readyTimeout,
            Duration drain) {}

    private final Context c;
    private final LeasePlan plan;
    private final List<ManifestGroup> groups;
    private final WorkloadRuntime.Rollout rollout;
    private final CompletableFuture<Void> after;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean superseded;

    /** A job for {@code plan} that starts once {@code after} (the lease's previous job) is done. */
    RolloutJob(
            Context c,
            LeasePlan plan,
            List<ManifestGroup> groups,
            WorkloadRuntime.Rollout rollout,
            CompletableFuture<Void> after) {
        this.c = c;
        this.plan = plan;
        this.groups = List.copyOf(groups);
        this.rollout = rollout;
        this.after = after;
    }

    LeasePlan plan() {
        return plan;
    }

    /** Done: finished, failed or superseded. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** A newer manifest, or the lease's end: stop at the next step. */
    void supersede() {
        superseded = true;
    }

    boolean superseded() {
        return superseded;
    }

    @Override
    public void run() {
        try {
            after.join();
            if (!superseded) {
                roll();
            }
        } catch (RuntimeException e) {
            // The engine failed (docker-java throws unchecked): what runs stays, and the tenant is told why.
            String why = "the container engine failed: " + Engine.oneLine(e);
            LOG.warn("lease {}: rollout of {} failed: {}", plan.lease(), plan.version(), why);
            fail(why);
        } finally {
            done.complete(null);
        }
    }

    private void roll() {
        String lease = plan.lease();
        boolean first;
        synchronized (c.lock()) {
            first = c.desired().plan(lease).map(p -> p.replicas().isEmpty()).orElse(true);
        }
        rollout.event((first ? "starting " : "rolling update: starting ")
                + plan.replicas().size() + " replica(s) of manifest " + shortVersion()
                + (first ? "" : " beside the running ones"));
        Optional<String> missing = c.deployer().images(plan, rollout::event);
        if (missing.isPresent()) {
            fail(missing.get());
            return;
        }
        Set<String> stateful;
        synchronized (c.lock()) {
            if (superseded) {
                return;
            }
            stateful = c.deployer().stage(plan, c.clock().instant());
        }
        if (!first && !stateful.isEmpty()) {
            rollout.event("service(s) " + String.join(", ", stateful)
                    + " keep persistent volumes: their old replicas stopped before the new ones started");
        }
        if (!awaitReady()) {
            return;
        }
        synchronized (c.lock()) {
            if (superseded || !c.desired().staged(lease).map(p -> p == plan).orElse(false)) {
                return;
            }
            try {
                c.deployer().promote(plan, groups);
            } catch (IOException e) {
                c.deployer().abandon(plan);
                c.deployer().refuse(lease, "cannot store the manifest: " + e.getMessage());
                rollout.event("the update did not run: cannot store the manifest: " + e.getMessage());
                return;
            }
        }
        rollout.event(plan.replicas().size() + " new replica(s) ready; traffic moves to them");
        try {
            rollout.cutover();
        } catch (IOException | RuntimeException e) {
            LOG.warn("lease {}: routing to the new replicas failed: {}", lease, e.toString());
        }
        if (!first) {
            sleep(c.drain());
        }
        List<String> retired;
        synchronized (c.lock()) {
            if (!c.desired().plan(lease).map(p -> p == plan).orElse(false)) {
                return;
            }
            retired = c.deployer().retire(plan);
        }
        if (!retired.isEmpty()) {
            rollout.event(retired.size() + " old replica(s) stopped");
        }
    }

    /** Waits until every replica of the staged plan is ready; false (and the plan abandoned) if it does not come. */
    private boolean awaitReady() {
        Instant until = c.clock().instant().plus(c.readyTimeout());
        while (true) {
            List<ContainerRuntime.ReplicaState> states;
            synchronized (c.lock()) {
                if (superseded
                        || !c.desired().staged(plan.lease()).map(p -> p == plan).orElse(false)) {
                    if (c.desired().staged(plan.lease()).map(p -> p == plan).orElse(false)) {
                        c.deployer().abandon(plan);
                    }
                    return false;
                }
                states = c.reports().replicas(plan);
            }
            if (states.stream().allMatch(ContainerRuntime.ReplicaState::ready)) {
                return true;
            }
            if (c.clock().instant().isAfter(until)) {
                String why = "the update to manifest " + shortVersion() + " was not ready within "
                        + c.readyTimeout().toSeconds() + " s (" + notReady(states) + ")";
                synchronized (c.lock()) {
                    c.deployer().abandon(plan);
                }
                fail(why);
                return false;
            }
            sleep(POLL);
        }
    }

    /** The replicas that are not ready, and what is known of why. */
    private static String notReady(List<ContainerRuntime.ReplicaState> states) {
        List<String> out = new java.util.ArrayList<>();
        for (ContainerRuntime.ReplicaState s : states) {
            if (!s.ready()) {
                out.add(s.service() + "-" + s.index() + ": " + s.state()
                        + (s.lastExit().isEmpty() ? "" : ", last stopped: " + s.lastExit()));
            }
        }
        return String.join("; ", out);
    }

    /** What runs stays, the lease's status says {@code why}, and so does an event. */
    private void fail(String why) {
        synchronized (c.lock()) {
            if (superseded) {
                return;
            }
            c.deployer().refuse(plan.lease(), why);
        }
        rollout.event("manifest " + shortVersion() + " does not run: " + why);
    }

    private String shortVersion() {
        return plan.version().substring(0, Math.min(12, plan.version().length()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.vyoma.provider.runtime.container;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs {@link RolloutJob}s on threads of their own: at most {@link #MAX_CONCURRENT} at once, at most
 * {@link #MAX_PENDING} not finished, one lease's jobs one after the other. A new job for a lease supersedes the one
 * before it (the latest manifest wins) and starts once that one has stopped. Thread-safe.
 */
final class Rollouts implements AutoCloseable {
    /** Rollouts running at once (each mostly waits: for a pull, for readiness). */
    static final int MAX_CONCURRENT = 4;
    /** Rollouts submitted and not finished; past it a manifest is refused with "try again". */
    static final int MAX_PENDING = 256;

    private final ExecutorService pool = Executors.newFixedThreadPool(
            MAX_CONCURRENT,
            Thread.ofPlatform().daemon().name("container-rollout-", 0).factory());
    private final Map<String, RolloutJob> latest = new HashMap<>();
    private int pending;

    /** Whether another job may be submitted now. */
    synchronized boolean full() {
        return pending >= MAX_PENDING;
    }

    /** The lease's latest job's end, for the next job to wait on (done if there is none). */
    synchronized CompletableFuture<Void> last(String lease) {
        RolloutJob j = latest.get(lease);
        return j == null ? CompletableFuture.completedFuture(null) : j.done();
    }

    /** Runs {@code job} (made with {@link #last} of its lease) after superseding the lease's job before it. */
    synchronized void submit(RolloutJob job) {
        String lease = job.plan().lease();
        RolloutJob before = latest.put(lease, job);
        if (before != null) {
            before.supersede();
        }
        pending++;
        // Only the count and the latest-job map are kept here; the job's outcome is read through done() itself.
        var unused = job.done().whenComplete((v, e) -> finished(job));
        pool.execute(job);
    }

    private synchronized void finished(RolloutJob job) {
        pending--;
        latest.remove(job.plan().lease(), job);
    }

    /** The version the lease is being updated to, if a job for it is under way. */
    synchronized Optional<String> updating(String lease) {
        RolloutJob j = latest.get(lease);
        return j == null || j.superseded()
                ? Optional.empty()
                : Optional.of(j.plan().version());
    }

    /** The job rolling out {@code version} to the lease, if it is under way. */
    synchronized Optional<RolloutJob> running(String lease, String version) {
        RolloutJob j = latest.get(lease);
        return j != null && !j.superseded() && j.plan().version().equals(version) ? Optional.of(j) : Optional.empty();
    }

    /** Stops the lease's job, if any (the lease ends). */
    synchronized void cancel(String lease) {
        RolloutJob j = latest.get(lease);
        if (j != null) {
            j.supersede();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            latest.values().forEach(RolloutJob::supersede);
        }
        pool.shutdownNow();
    }
}

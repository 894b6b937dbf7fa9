package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running worker of a model: where it answers, the secret it answers to, the lease behind it (none for a
 * worker the operator runs itself), how many requests the gateway has on it, and its health as the gateway last
 * saw it.
 */
public final class Replica {
    /** Failed health checks after which a replica gets no requests. */
    static final int UNHEALTHY_AFTER = 2;

    /** Failed health checks after which a leased replica is given up (its deployment closed) and replaced. */
    static final int RETIRE_AFTER = 4;

    private final String model;
    private final String baseUrl;
    private final WorkerSecret secret;
    private final DeploymentId deployment;
    private final Address provider;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int workerQueued;
    private volatile double ttftMs = -1;

    public Replica(String model, String baseUrl, WorkerSecret secret, DeploymentId deployment, Address provider) {
        this.model = model;
        this.baseUrl = baseUrl;
        this.secret = secret;
        this.deployment = deployment;
        this.provider = provider;
    }

    public String model() {
        return model;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** What the gateway sends with every request to it (it answers nothing else). */
    WorkerSecret secret() {
        return secret;
    }

    /** The deployment that leases it, or null for a worker given by URL. */
    public DeploymentId deployment() {
        return deployment;
    }

    /** The provider that runs it, or null for a worker given by URL. */
    public Address provider() {
        return provider;
    }

    public int inFlight() {
        return inFlight.get();
    }

    int begin() {
        return inFlight.incrementAndGet();
    }

    void end() {
        inFlight.decrementAndGet();
    }

    public boolean healthy() {
        return failures.get() < UNHEALTHY_AFTER;
    }

    boolean retire() {
        return deployment != null && failures.get() >= RETIRE_AFTER;
    }

    /** A health check answered: the worker's own queue. */
    void healthy(int queued) {
        failures.set(0);
        workerQueued = queued;
    }

    /** A health check or a connection failed. */
    void failed() {
        failures.incrementAndGet();
    }

    /** A request could not reach it: no more requests until a health check passes. */
    void unreachable() {
        failures.accumulateAndGet(UNHEALTHY_AFTER, Math::max);
    }

    /** Requests waiting inside the worker (from its last health check). */
    public int workerQueued() {
        return workerQueued;
    }

    /** Time to first token, moving average over recent requests (ms); negative before the first. */
    public double ttftMs() {
        return ttftMs;
    }

    void observeTtft(double ms) {
        double t = ttftMs;
        ttftMs = t < 0 ? ms : 0.8 * t + 0.2 * ms;
    }

    /** What the router compares: requests on it, then its latency. */
    long load() {
        return (long) (inFlight.get() + workerQueued) * 1_000_000L + (long) Math.max(0, ttftMs);
    }

    @Override
    public String toString() {
        return model + "@" + baseUrl + (provider == null ? "" : " on " + provider);
    }
}

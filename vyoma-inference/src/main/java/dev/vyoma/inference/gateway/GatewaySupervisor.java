package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The gateway's supervisor, driven by {@link #tick}: checks every replica's health, replaces replicas that died,
 * scales each model between its minimum and maximum, and settles what is owed every {@code settleEvery}. It owns
 * no thread: the gateway calls {@code tick} each second, and every transaction it needs (a lease, a close, a
 * settlement) goes to {@code chain}, the one executor that sends the gateway's transactions.
 */
final class GatewaySupervisor {
    private final Map<String, ModelPool> pools;
    private final Billing billing;
    private final MarketLeaser leaser;
    private final HttpClient http;
    private final ExecutorService chain;
    private final long settleEveryMs;
    private final Consumer<String> say;
    private volatile long lastSettleMs;
    private volatile boolean settling;

    /** {@code leaser} may be null: the gateway then only uses the workers it was given. */
    GatewaySupervisor(
            Map<String, ModelPool> pools,
            Billing billing,
            MarketLeaser leaser,
            HttpClient http,
            ExecutorService chain,
            Duration settleEvery,
            Consumer<String> say) {
        this.pools = pools;
        this.billing = billing;
        this.leaser = leaser;
        this.http = http;
        this.chain = chain;
        this.settleEveryMs = settleEvery.toMillis();
        this.say = say;
    }

    /** One round at {@code now} (epoch milliseconds): health, scale, and settlement when it is due. */
    void tick(long now) {
        try {
            for (ModelPool p : pools.values()) {
                check(p);
                superviseScale(p, now);
            }
            if (!settling && now - lastSettleMs >= settleEveryMs) {
                settling = true;
                lastSettleMs = now;
                chain.execute(() -> {
                    try {
                        billing.settle();
                    } catch (RuntimeException e) {
                        say.accept("settlement failed, retrying later: " + e.getMessage());
                    } finally {
                        settling = false;
                    }
                });
            }
        } catch (RuntimeException e) {
            say.accept("supervisor: " + e);
        }
    }

    private void check(ModelPool p) {
        for (Replica r : p.replicas) {
            try {
                HttpResponse<String> h = http.send(
                        HttpRequest.newBuilder(URI.create(r.baseUrl() + "/health"))
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (h.statusCode() == 200) {
                    r.healthy(Json.MAPPER.readTree(h.body()).path("queued").asInt());
                } else {
                    r.failed();
                }
            } catch (IOException e) {
                r.failed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (r.retire() && leaser != null) {
                p.replicas.remove(r);
                p.lost.add(r.provider());
                say.accept("replica " + r + " is gone; closing its deployment " + r.deployment());
                DeploymentId d = r.deployment();
                chain.execute(() -> {
                    try {
                        leaser.close(d);
                    } catch (RuntimeException e) {
                        say.accept("closing " + d + ": " + e.getMessage());
                    }
                });
            }
        }
    }

    private void superviseScale(ModelPool p, long now) {
        if (leaser == null) {
            return;
        }
        int healthy = 0;
        int load = 0;
        double ttft = -1;
        for (Replica r : p.replicas) {
            if (r.healthy()) {
                healthy++;
                load += r.inFlight() + r.workerQueued();
                ttft = Math.max(ttft, r.ttftMs());
            }
        }
        // Replicas failing their checks but not given up yet count as on their way, so a blip leases nothing.
        int waiting = p.starting.get()
                + (int) p.replicas.stream().filter(r -> !r.healthy()).count();
        int delta = p.scaler.decide(new Scaler.Observation(healthy, waiting, load, ttft), now);
        if (delta > 0 && healthy + waiting < p.offer.maxReplicas()) {
            p.starting.incrementAndGet();
            chain.execute(() -> {
                try {
                    // Computed when the lease starts: leases run one after another, so the one before is placed.
                    Set<Address> avoid = new HashSet<>(p.lost);
                    p.replicas.forEach(r -> {
                        if (r.provider() != null) {
                            avoid.add(r.provider());
                        }
                    });
                    Replica r = leaser.lease(p.offer, avoid, line -> {});
                    p.replicas.add(r);
                    say.accept(
                            "leased a replica of " + p.offer.id() + ": " + r + " (deployment " + r.deployment() + ")");
                } catch (Exception e) {
                    say.accept("leasing a replica of " + p.offer.id() + " failed: " + e.getMessage());
                } finally {
                    p.starting.decrementAndGet();
                }
            });
        } else if (delta < 0) {
            Replica idle = null;
            for (Replica r : p.replicas) {
                if (r.deployment() != null && r.inFlight() == 0) {
                    idle = r;
                }
            }
            if (idle != null) {
                p.replicas.remove(idle);
                DeploymentId d = idle.deployment();
                say.accept("releasing an idle replica of " + p.offer.id() + ": " + idle);
                chain.execute(() -> leaser.close(d));
            }
        }
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.http.ServerGuard;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson3;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code vyoma inference serve}: the OpenAI-compatible API ({@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}), key management for account owners ({@code /v1/keys}, authenticated with a token
 * signed by the account's key), each key's usage ({@code /v1/usage}), and for the operator alone the replicas
 * ({@code /v1/replicas}, with a token signed by the gateway's own key). This class is the runtime shell: it
 * builds each model's pool, serves {@link GatewayRoutes} (which hand completions to {@link WorkerRelay}), ticks
 * the {@link GatewaySupervisor} each second (health, scaling, replacing dead replicas, settling every few
 * seconds), and owns the one thread that sends the gateway's transactions, so its account's sequence never
 * races.
 */
public final class InferenceGateway implements AutoCloseable {
    /**
     * What the gateway runs with. {@code workers} are workers the operator runs itself, by model; they answer to
     * {@code workersSecret} (null when there are none).
     */
    public record Config(
            List<ModelOffer> models,
            Map<String, List<String>> workers,
            WorkerSecret workersSecret,
            Duration settleEvery,
            double targetLoadPerReplica,
            double targetTtftMs,
            Duration scaleCoolDown,
            Duration idleBeforeScaleDown,
            KeyLimits keyLimits) {}

    /** What a token signed by an account owner must name to manage its keys (the token's lease field). */
    public static final String KEYS_SCOPE = "inference-keys";

    /**
     * What a token signed by the gateway's own key must name to read the operator's endpoints ({@code
     * /v1/replicas}): the workers' addresses are the operator's alone, since the first step of getting tokens
     * around the gateway is finding a worker.
     */
    public static final String OPERATOR_SCOPE = "inference-operator";

    /** Usage records {@code GET /v1/usage} returns when {@code limit} is not given. */
    public static final int DEFAULT_USAGE_ITEMS = 1_000;

    /** The most usage records one {@code GET /v1/usage} returns ({@code limit}'s largest value). */
    public static final int MAX_USAGE_ITEMS = 10_000;

    private final Billing billing;
    private final MarketLeaser leaser;
    private final Clock clock;
    private final Consumer<String> say;
    private final Map<String, ModelPool> pools = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "inference-supervisor");
        t.setDaemon(true);
        return t;
    });
    /** The one thread that sends the gateway's transactions (charges, leases, closes). */
    private final ExecutorService chainThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "inference-chain");
        t.setDaemon(true);
        return t;
    });

    private final GatewaySupervisor supervisor;
    private final Javalin app;
    private final ServerGuard guard;

    private InferenceGateway(
            Config config,
            Billing billing,
            ApiKeys keys,
            MarketLeaser leaser,
            Clock clock,
            Consumer<String> say,
            String host,
            int port,
            HttpLimits limits) {
        this.guard = new ServerGuard(limits, "the gateway");
        this.billing = billing;
        this.leaser = leaser;
        this.clock = clock;
        this.say = say;
        for (ModelOffer o : config.models()) {
            ModelPool p = new ModelPool(
                    o,
                    new Scaler(
                            o.minReplicas(),
                            o.maxReplicas(),
                            config.targetLoadPerReplica(),
                            config.targetTtftMs(),
                            config.scaleCoolDown().toMillis(),
                            config.idleBeforeScaleDown().toMillis()));
            for (String url : config.workers().getOrDefault(o.id(), List.of())) {
                p.replicas.add(new Replica(o.id(), url, config.workersSecret(), null, null));
            }
            pools.put(o.id(), p);
        }
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        this.supervisor = new GatewaySupervisor(pools, billing, leaser, http, chainThread, config.settleEvery(), say);
        GatewayRoutes routes =
                new GatewayRoutes(config.keyLimits(), billing, keys, clock, say, pools, new WorkerRelay(http, say));
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            // A backstop: each handler reads its body through Edge.body with its own, smaller or equal, cap.
            cfg.http.maxRequestSize = CompletionRequest.MAX_BODY_BYTES;
            guard.install(cfg, host, port);
            routes.install(cfg);
        });
    }

    /**
     * Starts the gateway on {@code host:port} (0: a free port) and its supervisor; {@code leaser} may be null
     * when every model is served by workers given by URL.
     */
    public static InferenceGateway start(
            Config config,
            Billing billing,
            ApiKeys keys,
            MarketLeaser leaser,
            Clock clock,
            Consumer<String> say,
            String host,
            int port) {
        return start(config, billing, keys, leaser, clock, say, host, port, ServerLimits.DEFAULTS);
    }

    /** Starts the gateway as the other {@code start} does, its connections held to {@code limits}. */
    public static InferenceGateway start(
            Config config,
            Billing billing,
            ApiKeys keys,
            MarketLeaser leaser,
            Clock clock,
            Consumer<String> say,
            String host,
            int port,
            HttpLimits limits) {
        for (ModelOffer o : config.models()) {
            if (leaser == null
                    && config.workers().getOrDefault(o.id(), List.of()).isEmpty()) {
                throw new IllegalArgumentException(
                        "model " + o.id() + " has no worker URL and the gateway leases nothing (no node key)");
            }
        }
        boolean ownWorkers = config.workers().values().stream().anyMatch(l -> !l.isEmpty());
        if (ownWorkers && config.workersSecret() == null) {
            throw new IllegalArgumentException("workers given by URL need the secret they were started with ($"
                    + WorkerSecret.ENV + "): they answer nothing else");
        }
        InferenceGateway g = new InferenceGateway(config, billing, keys, leaser, clock, say, host, port, limits);
        g.app.start();
        // Supervisor.tick reports its failures and never throws, so the schedule runs until close() stops the ticker.
        var unused = g.ticker.scheduleWithFixedDelay(() -> g.supervisor.tick(g.clock.millis()), 0, 1, TimeUnit.SECONDS);
        return g;
    }

    public int port() {
        return ((org.eclipse.jetty.server.ServerConnector)
                        app.jettyServer().server().getConnectors()[0])
                .getLocalPort();
    }

    /** The guard of its connections: how many are open, and how many were closed for a slow request head. */
    public ServerGuard guard() {
        return guard;
    }

    /** A model's replicas as the gateway sees them now. */
    public List<Replica> replicas(String model) {
        return List.copyOf(pools.get(model).replicas);
    }

    /** Settles what is owed now, on the gateway's transaction thread, and waits; returns the batch (0: none). */
    public long settleNow() throws Exception {
        return chainThread.submit(billing::settle).get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        app.stop();
        try {
            chainThread.submit(billing::settle).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            say.accept("final settlement failed: " + e.getMessage());
        }
        chainThread.shutdownNow();
    }

    /** Closes every leased replica's deployment (the gateway is going away for good). */
    public void releaseAll() {
        for (ModelPool p : pools.values()) {
            for (Replica r : p.replicas) {
                if (r.deployment() != null) {
                    try {
                        chainThread.submit(() -> leaser.close(r.deployment())).get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        say.accept("closing " + r.deployment() + ": " + e.getMessage());
                    }
                }
            }
            p.replicas.clear();
        }
    }
}

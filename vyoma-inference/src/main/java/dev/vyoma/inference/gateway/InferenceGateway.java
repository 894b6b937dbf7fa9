package dev.vyoma.inference.gateway;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.http.HttpLimits;
import dev.vyoma.http.ServerGuard;
import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Edge;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.Sse;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code vyoma inference serve}: the OpenAI-compatible API ({@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}), key management for account owners ({@code /v1/keys}, authenticated with a token
 * signed by the account's key), each key's usage ({@code /v1/usage}), and for the operator alone the replicas
 * ({@code /v1/replicas}, with a token signed by the gateway's own key). A supervisor checks every replica's
 * health each second, scales each model between its minimum and maximum, replaces replicas that died, and
 * settles what is owed on the ledger every few seconds. Every transaction the gateway sends goes through one
 * thread, so its account's sequence never races.
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

    /** A model's replicas and how they scale. */
    private static final class Pool {
        final ModelOffer offer;
        final CopyOnWriteArrayList<Replica> replicas = new CopyOnWriteArrayList<>();
        final AtomicInteger starting = new AtomicInteger();
        final Scaler scaler;
        final Set<Address> lost = ConcurrentHashMap.newKeySet();

        Pool(ModelOffer offer, Scaler scaler) {
            this.offer = offer;
            this.scaler = scaler;
        }
    }

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

    /** The most bytes of a worker's whole (not streamed) answer the gateway reads. */
    public static final int MAX_WORKER_ANSWER_BYTES = 8 << 20;

    /** The most bytes of a worker's refusal (an error object) the gateway reads and passes on. */
    public static final int MAX_WORKER_ERROR_BYTES = 64 << 10;

    /** The longest line of a worker's event stream the gateway reads (a chunk is one line). */
    public static final int MAX_WORKER_STREAM_LINE_BYTES = 64 << 10;

    private static final Set<String> NO_QUERY = Set.of();

    /** What a worker writes before its first chunk: the prompt's tokens, as an SSE comment. */
    private static final String PROMPT_TOKENS_NOTE = ": prompt_tokens=";

    private final Config config;
    private final Billing billing;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final MarketLeaser leaser;
    private final Clock clock;
    private final Consumer<String> say;
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
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

    private final Javalin app;
    private final ServerGuard guard;
    private volatile long lastSettleMs;
    private volatile boolean settling;

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
        this.config = config;
        this.guard = new ServerGuard(limits, "the gateway");
        this.billing = billing;
        this.keys = keys;
        this.limiter = new RateLimiter(clock, config.keyLimits());
        this.leaser = leaser;
        this.clock = clock;
        this.say = say;
        for (ModelOffer o : config.models()) {
            Pool p = new Pool(
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
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            // A backstop: each handler reads its body through Edge.body with its own, smaller or equal, cap.
            cfg.http.maxRequestSize = CompletionRequest.MAX_BODY_BYTES;
            guard.install(cfg, host, port);
            cfg.routes.get("/v1/models", this::models);
            cfg.routes.get("/v1/gateway", this::about);
            cfg.routes.post("/v1/chat/completions", ctx -> complete(ctx, true));
            cfg.routes.post("/v1/completions", ctx -> complete(ctx, false));
            cfg.routes.get("/v1/usage", this::usage);
            cfg.routes.post("/v1/keys", this::createKey);
            cfg.routes.get("/v1/keys", this::listKeys);
            cfg.routes.delete("/v1/keys/{id}", this::revokeKey);
            cfg.routes.get("/v1/replicas", this::replicas);
            cfg.routes.exception(
                    ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                ApiError a = ApiError.http(e.getStatus(), e.getMessage());
                ctx.status(a.status()).json(a.body());
            });
            cfg.routes.exception(
                    Exception.class,
                    (e, ctx) -> ctx.status(500)
                            .json(ApiError.server(
                                            500,
                                            "the gateway failed: "
                                                    + e.getClass().getSimpleName() + ": " + e.getMessage())
                                    .body()));
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ctx.json(ApiError.invalid(
                                    null, "no such endpoint: " + ctx.method() + " " + Edge.shortened(ctx.path()))
                            .body());
                }
            });
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
        g.supervisor.scheduleWithFixedDelay(g::supervise, 0, 1, TimeUnit.SECONDS);
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

    // ----- the API -----

    private void models(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        List<Object> data = new ArrayList<>();
        for (Pool p : pools.values()) {
            ModelOffer o = p.offer;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("object", "model");
            m.put("created", 0);
            m.put("owned_by", billing.gateway().toString());
            m.put("context_length", o.contextTokens());
            Map<String, Object> pricing = new LinkedHashMap<>();
            pricing.put("input", ModelOffer.perMillionUnits(o.inputMicroPerMillion()));
            pricing.put("output", ModelOffer.perMillionUnits(o.outputMicroPerMillion()));
            pricing.put("denom", "uusd");
            pricing.put("input_micro_per_million", o.inputMicroPerMillion());
            pricing.put("output_micro_per_million", o.outputMicroPerMillion());
            m.put("pricing", pricing);
            m.put("supported_features", List.of("chat", "completions", "streaming"));
            m.put("replicas", p.replicas.stream().filter(Replica::healthy).count());
            data.add(m);
        }
        ctx.json(Map.of("object", "list", "data", data));
    }

    private void about(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gateway", billing.gateway().toString());
        m.put("models", pools.keySet());
        ctx.json(m);
    }

    private void replicas(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        operator(ctx);
        List<Object> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            for (Replica r : p.replicas) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", r.model());
                m.put("url", r.baseUrl());
                m.put(
                        "deployment",
                        r.deployment() == null ? null : r.deployment().toString());
                m.put("provider", r.provider() == null ? null : r.provider().toString());
                m.put("healthy", r.healthy());
                m.put("inFlight", r.inFlight());
                m.put("ttftMs", r.ttftMs());
                out.add(m);
            }
        }
        ctx.json(Map.of("items", out));
    }

    private void complete(Context ctx, boolean chat) throws Exception {
        Edge.query(ctx, NO_QUERY);
        ApiKeys.Key key = keys.authenticate(ctx.header("Authorization"));
        ObjectNode body = Json.object(Edge.body(ctx, CompletionRequest.MAX_BODY_BYTES));
        CompletionRequest r = CompletionRequest.parse(body, chat);
        Pool pool = pools.get(r.model());
        if (pool == null) {
            throw ApiError.unknownModel(r.model(), pools.keySet());
        }
        ModelOffer offer = pool.offer;
        limiter.acquire(key);
        try {
            long context = offer.contextTokens();
            long in = Math.min(r.promptTokensBound(), context);
            long out = r.maxTokens() == null ? context : Math.min(r.maxTokens(), context);
            Billing.Reservation hold = billing.reserve(key.owner(), offer.costPico(in, out));
            boolean charged = false;
            try {
                String id = "inf-"
                        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
                ctx.header("Inference-Id", id);
                long[] usage = forward(ctx, pool, r, chat);
                if (usage != null && (usage[0] > in || usage[1] > out || usage[0] < 0 || usage[1] < 0)) {
                    // Workers run on providers' machines: never charge more than the request could have used
                    // (what was reserved), whatever a worker reports.
                    say.accept("a replica of " + offer.id() + " reported " + usage[0] + "+" + usage[1]
                            + " tokens, beyond the request's bound " + in + "+" + out + "; charging the bound");
                    usage = new long[] {Math.max(0, Math.min(usage[0], in)), Math.max(0, Math.min(usage[1], out))};
                }
                if (usage != null) {
                    billing.charge(
                            hold,
                            new UsageRecord(
                                    id,
                                    clock.millis(),
                                    key.owner(),
                                    key.id(),
                                    offer.id(),
                                    usage[0],
                                    usage[1],
                                    offer.inputMicroPerMillion(),
                                    offer.outputMicroPerMillion(),
                                    offer.costPico(usage[0], usage[1]),
                                    0));
                    charged = true;
                }
            } finally {
                if (!charged) {
                    billing.release(hold);
                }
            }
        } finally {
            limiter.release(key);
        }
    }

    /**
     * Sends the request to the least loaded healthy replica, trying the next one if a replica cannot be reached
     * (nothing has been sent to the client yet), and relays the answer. Returns {prompt, completion} tokens of a
     * completed request, or null if it failed or the worker refused it (nothing to charge).
     */
    private long[] forward(Context ctx, Pool pool, CompletionRequest r, boolean chat) throws Exception {
        Set<Replica> tried = new HashSet<>();
        String path = chat ? "/v1/chat/completions" : "/v1/completions";
        while (true) {
            Replica replica = pick(pool, tried);
            if (replica == null) {
                throw ApiError.noBackend(r.model());
            }
            tried.add(replica);
            replica.begin();
            long started = System.nanoTime();
            HttpResponse<InputStream> res;
            try {
                res = http.send(
                        HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
                                .timeout(Duration.ofMinutes(10))
                                .header("Content-Type", "application/json")
                                .header("Authorization", replica.secret().authorization())
                                .POST(HttpRequest.BodyPublishers.ofString(Json.write(r.toJson())))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                replica.end();
                replica.unreachable();
                say.accept("replica " + replica + " cannot be reached ("
                        + e.getClass().getSimpleName() + "); trying another");
                continue;
            }
            try {
                if (res.statusCode() == 503) {
                    res.body().close();
                    continue;
                }
                if (res.statusCode() == 401) {
                    // The worker does not take this gateway's secret: it is not ours to use, whatever its health.
                    res.body().close();
                    replica.unreachable();
                    say.accept("replica " + replica + " refused the gateway's secret; trying another");
                    continue;
                }
                if (res.statusCode() != 200) {
                    relayRefusal(ctx, res, replica);
                    return null;
                }
                return r.stream() ? relayStream(ctx, res, replica, started) : relayWhole(ctx, res, replica, started);
            } finally {
                replica.end();
            }
        }
    }

    /**
     * The worker refused the request (context too long, …): its OpenAI error object passes on, and nothing is
     * charged. Anything else a worker answers (not a client error, not an error object, too long) is its own
     * failure, which the client sees as a 502.
     */
    private void relayRefusal(Context ctx, HttpResponse<InputStream> res, Replica replica) {
        JsonNode error = null;
        try (InputStream in = res.body()) {
            byte[] b = in.readNBytes(MAX_WORKER_ERROR_BYTES + 1);
            if (b.length <= MAX_WORKER_ERROR_BYTES) {
                error = Json.MAPPER.readTree(b);
            }
        } catch (IOException | JacksonException e) {
            error = null;
        }
        if (res.statusCode() < 400
                || res.statusCode() >= 500
                || error == null
                || !error.path("error").isObject()) {
            throw ApiError.server(
                    502,
                    "the replica of " + replica.model() + " failed the request (status " + res.statusCode()
                            + "); it is not charged; retry");
        }
        ctx.status(res.statusCode()).contentType("application/json").result(Json.write(error));
    }

    private long[] relayWhole(Context ctx, HttpResponse<InputStream> res, Replica replica, long started) {
        byte[] body;
        try (InputStream in = res.body()) {
            body = in.readNBytes(MAX_WORKER_ANSWER_BYTES + 1);
        } catch (IOException e) {
            replica.unreachable();
            throw ApiError.server(502, "the replica of " + replica.model() + " failed during the request; retry");
        }
        JsonNode answer = null;
        if (body.length <= MAX_WORKER_ANSWER_BYTES) {
            try {
                answer = Json.MAPPER.readTree(body);
            } catch (JacksonException e) {
                answer = null;
            }
        }
        if (answer == null || !answer.isObject()) {
            replica.unreachable();
            throw ApiError.server(
                    502, "the replica of " + replica.model() + " gave an answer that is not one; not charged; retry");
        }
        replica.observeTtft((System.nanoTime() - started) / 1e6);
        JsonNode usage = answer.path("usage");
        ctx.status(200).contentType("application/json").result(body);
        // A count that is not a number reads as -1, which the caller cuts to 0.
        return new long[] {
            usage.path("prompt_tokens").asLong(-1),
            usage.path("completion_tokens").asLong(-1)
        };
    }

    private long[] relayStream(Context ctx, HttpResponse<InputStream> res, Replica replica, long started)
            throws IOException {
        long[] usage = null;
        long promptTokens = -1;
        long delivered = 0;
        boolean first = true;
        try (Sse sse = new Sse(ctx);
                InputStream in = new BufferedInputStream(res.body())) {
            String line;
            try {
                while ((line = readLine(in)) != null) {
                    if (line.startsWith(PROMPT_TOKENS_NOTE)) {
                        // The worker's note for the gateway, not for the client.
                        promptTokens = count(line.substring(PROMPT_TOKENS_NOTE.length()));
                        readLine(in);
                        continue;
                    }
                    boolean token = false;
                    if (line.startsWith("data: {")) {
                        if (first) {
                            replica.observeTtft((System.nanoTime() - started) / 1e6);
                            first = false;
                        }
                        if (line.contains("\"usage\"")) {
                            JsonNode u;
                            try {
                                u = Json.MAPPER.readTree(line.substring(6)).path("usage");
                            } catch (JacksonException e) {
                                u = null;
                            }
                            if (u != null && u.isObject()) {
                                usage = new long[] {
                                    u.path("prompt_tokens").asLong(-1),
                                    u.path("completion_tokens").asLong(-1)
                                };
                            }
                        }
                        // The worker sends one chunk per token, each without a finish reason.
                        token = line.contains("\"finish_reason\":null");
                    }
                    if (!sse.raw(line + "\n")) {
                        // The client left: stop the worker's generation, and charge what reached the client.
                        res.body().close();
                        return promptTokens < 0 ? null : new long[] {promptTokens, delivered};
                    }
                    if (token) {
                        delivered++;
                    }
                }
            } catch (IOException e) {
                replica.unreachable();
                say.accept("replica " + replica + " failed mid-stream ("
                        + e.getClass().getSimpleName() + ")");
                sse.data(Json.write(ApiError.server(
                                502, "the replica serving this stream failed; the request is not charged; retry it")
                        .body()));
                return null;
            }
            if (usage == null) {
                replica.unreachable();
                sse.data(Json.write(ApiError.server(502, "the replica ended the stream early; not charged; retry")
                        .body()));
            }
        }
        return usage;
    }

    /** A count a worker wrote, or -1 if it is not a plain whole number. */
    private static long count(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /**
     * One line of a worker's stream (without its end of line), or null at its end; a line longer than {@link
     * #MAX_WORKER_STREAM_LINE_BYTES} is the worker failing, as a broken connection is.
     */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_WORKER_STREAM_LINE_BYTES) {
                throw new IOException(
                        "a line of the worker's stream is over " + MAX_WORKER_STREAM_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** The healthy replica with the least load not tried yet, or null. */
    private static Replica pick(Pool pool, Set<Replica> tried) {
        Replica best = null;
        for (Replica r : pool.replicas) {
            if (r.healthy() && !tried.contains(r) && (best == null || r.load() < best.load())) {
                best = r;
            }
        }
        return best;
    }

    private void usage(Context ctx) {
        Edge.query(ctx, Set.of("limit"));
        int limit = Edge.intParam(ctx, "limit", DEFAULT_USAGE_ITEMS, 1, MAX_USAGE_ITEMS);
        ApiKeys.Key key = keys.authenticate(ctx.header("Authorization"));
        List<UsageRecord> mine = billing.usage(key.owner(), limit);
        List<Object> items = new ArrayList<>();
        Map<Long, String> hashes = new LinkedHashMap<>();
        for (UsageRecord u : mine) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", u.id());
            m.put("time", u.timeMillis());
            m.put("key", u.keyId());
            m.put("model", u.model());
            m.put("prompt_tokens", u.inputTokens());
            m.put("completion_tokens", u.outputTokens());
            m.put("input_micro_per_million", u.inputMicroPerMillion());
            m.put("output_micro_per_million", u.outputMicroPerMillion());
            m.put("cost_pico", u.costPico());
            m.put("batch", u.batch());
            items.add(m);
            if (u.batch() > 0) {
                hashes.computeIfAbsent(u.batch(), b -> UsageLog.hash(billing.batchRecords(key.owner(), b)));
            }
        }
        List<Object> batches = new ArrayList<>();
        hashes.forEach((b, h) -> batches.add(Map.of("batch", b, "records_sha256", h)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("owner", key.owner().toString());
        out.put("gateway", billing.gateway().toString());
        out.put("pending_pico", billing.pendingPico(key.owner()));
        out.put("items", items);
        out.put("batches", batches);
        ctx.json(out);
    }

    // ----- keys, for account owners; replicas, for the operator -----

    /** The account a token signed for {@code scope} names, or the 401 that says why not. */
    private Address signer(Context ctx, String scope, String what) {
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            throw ApiError.unauthorized(what);
        }
        LeaseToken.Claims claims;
        try {
            claims = LeaseToken.verify(auth.substring(7).strip(), billing.gateway(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw ApiError.unauthorized("the account token does not verify: " + e.getMessage());
        }
        // Only a token made for this purpose: a lease token the same account received as a provider is not one.
        if (!scope.equals(claims.lease())) {
            throw ApiError.unauthorized("the account token is for " + claims.lease() + ", not for " + scope);
        }
        return claims.owner();
    }

    private Address owner(Context ctx) {
        return signer(ctx, KEYS_SCOPE, "key management needs a token signed by the account: use vyoma inference keys");
    }

    /** Only the gateway's own key may read what the operator sees. */
    private void operator(Context ctx) {
        String need = "the replicas are the operator's: send a token signed by the gateway's key " + billing.gateway()
                + " for " + OPERATOR_SCOPE;
        if (!billing.gateway().equals(signer(ctx, OPERATOR_SCOPE, need))) {
            throw ApiError.unauthorized(need);
        }
    }

    private void createKey(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        Address owner = owner(ctx);
        KeyRequest want = KeyRequest.parse(Edge.body(ctx, KeyRequest.MAX_BODY_BYTES), config.keyLimits());
        billing.requireFunded(owner);
        ApiKeys.Created c = keys.create(owner, want.name(), want.requestsPerMinute(), want.maxConcurrent());
        Map<String, Object> m = keyJson(c.key());
        m.put("key", c.secret());
        ctx.status(201).json(m);
    }

    private void listKeys(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        Address owner = owner(ctx);
        ctx.json(Map.of("items", keys.list(owner).stream().map(this::keyJson).toList()));
    }

    private void revokeKey(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        String id = ApiKeys.id(ctx.pathParam("id"));
        Address owner = owner(ctx);
        if (!keys.revoke(owner, id)) {
            throw new ApiError(404, "invalid_request_error", "key_not_found", "id", "no key " + id + " of " + owner);
        }
        ctx.json(Map.of("id", id, "revoked", true));
    }

    /** A key as its owner sees it: the limits shown are those it gets (the gateway's most, if it asked for more). */
    private Map<String, Object> keyJson(ApiKeys.Key k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("owner", k.owner().toString());
        m.put("name", k.name().value());
        m.put("requests_per_minute", limiter.requestsPerMinute(k));
        m.put("max_concurrent", limiter.maxConcurrent(k));
        m.put("created", k.createdMillis());
        m.put("revoked", k.revoked());
        return m;
    }

    // ----- the supervisor -----

    private void supervise() {
        try {
            long now = clock.millis();
            for (Pool p : pools.values()) {
                check(p);
                superviseScale(p, now);
            }
            if (!settling && now - lastSettleMs >= config.settleEvery().toMillis()) {
                settling = true;
                lastSettleMs = now;
                chainThread.submit(() -> {
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

    private void check(Pool p) {
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
                chainThread.submit(() -> {
                    try {
                        leaser.close(d);
                    } catch (RuntimeException e) {
                        say.accept("closing " + d + ": " + e.getMessage());
                    }
                });
            }
        }
    }

    private void superviseScale(Pool p, long now) {
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
            chainThread.submit(() -> {
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
                chainThread.submit(() -> leaser.close(d));
            }
        }
    }

    @Override
    public void close() {
        supervisor.shutdownNow();
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
        for (Pool p : pools.values()) {
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

package dev.vyoma.inference.worker;

import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.ChatTemplate;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Edge;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.Sse;
import dev.vyoma.inference.api.Wire;
import dev.vyoma.inference.api.WorkerSecret;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The worker's HTTP API: {@code GET /v1/models}, {@code POST /v1/chat/completions} and {@code /v1/completions}
 * (streamed or whole, usage always), {@code GET /health} with its load (running, queued) for the gateway.
 * Requests beyond the engine's slots wait in line; a prompt that cannot fit the context is refused before
 * any token is generated. Everything but {@code /health} answers only its gateway: a request without the
 * worker's secret gets 401 before its body is read, since a worker meters nothing and anyone who finds its
 * address would otherwise get tokens nobody pays for.
 */
public final class WorkerServer implements AutoCloseable {
    /** Most requests waiting for a slot; beyond it the worker answers 503 so the gateway goes elsewhere. */
    public static final int MAX_QUEUED = 64;

    private final LlamaEngine engine;
    private final String modelId;
    private final Clock clock;
    private final Semaphore slots;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final long paceMs;
    private final WorkerSecret secret;
    private final Javalin app;

    private WorkerServer(
            LlamaEngine engine, String modelId, Clock clock, String host, int port, long paceMs, WorkerSecret secret) {
        this.engine = engine;
        this.paceMs = paceMs;
        this.secret = Objects.requireNonNull(secret, "a worker needs its gateway's secret");
        this.modelId = modelId;
        this.clock = clock;
        this.slots = new Semaphore(engine.slots(), true);
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = CompletionRequest.MAX_BODY_BYTES;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            cfg.routes.get("/health", this::health);
            cfg.routes.get(
                    "/v1/models",
                    gatewayOnly(ctx -> ctx.json(Map.of(
                            "object",
                            "list",
                            "data",
                            List.of(Wire.model(modelId, clock.millis() / 1000, "vyoma-worker"))))));
            cfg.routes.post("/v1/chat/completions", gatewayOnly(ctx -> complete(ctx, true)));
            cfg.routes.post("/v1/completions", gatewayOnly(ctx -> complete(ctx, false)));
            cfg.routes.exception(
                    ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                ApiError a = ApiError.http(e.getStatus(), e.getMessage());
                ctx.status(a.status()).json(a.body());
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                ApiError a = ApiError.server(
                        500, "the worker failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                ctx.status(500).json(a.body());
            });
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
     * Serves {@code engine} as model {@code modelId} on {@code host:port} (0: a free port) to the gateway that
     * holds {@code secret}.
     */
    public static WorkerServer start(
            LlamaEngine engine, String modelId, Clock clock, String host, int port, WorkerSecret secret) {
        return start(engine, modelId, clock, host, port, 0, secret);
    }

    /**
     * As {@link #start(LlamaEngine, String, Clock, String, int, WorkerSecret)}, generating at most one token per {@code paceMs}
     * (0: as fast as the model goes), which makes a tiny model stream as slowly as a large one on a busy GPU:
     * for demonstrations and failover tests.
     */
    public static WorkerServer start(
            LlamaEngine engine, String modelId, Clock clock, String host, int port, long paceMs, WorkerSecret secret) {
        WorkerServer s = new WorkerServer(engine, modelId, clock, host, port, paceMs, secret);
        s.app.start();
        return s;
    }

    /** {@code handler}, for requests that carry the gateway's secret; 401 for any other, before any work. */
    private Handler gatewayOnly(Handler handler) {
        return ctx -> {
            if (!secret.admits(ctx.header("Authorization"))) {
                throw ApiError.unauthorized("this worker answers only the gateway that runs it;"
                        + " send requests to the gateway with an API key");
            }
            Edge.query(ctx, Set.of());
            handler.handle(ctx);
        };
    }

    private void pace() {
        if (paceMs > 0) {
            try {
                Thread.sleep(paceMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int port() {
        return app.port();
    }

    public String modelId() {
        return modelId;
    }

    private void health(Context ctx) {
        Edge.query(ctx, Set.of());
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "ok");
        h.put("model", modelId);
        h.put("active", active.get());
        h.put("queued", queued.get());
        h.put("slots", engine.slots());
        h.put("served", served.get());
        h.put("context_length", engine.contextTokens());
        ctx.json(h);
    }

    private void complete(Context ctx, boolean chat) throws Exception {
        CompletionRequest r =
                CompletionRequest.parse(Json.object(Edge.body(ctx, CompletionRequest.MAX_BODY_BYTES)), chat);
        if (!r.model().equals(modelId)) {
            throw ApiError.unknownModel(r.model(), List.of(modelId));
        }
        String prompt = chat ? ChatTemplate.chatMl(r.messages()) : r.prompt();
        int promptTokens = engine.promptTokens(prompt);
        int context = engine.contextTokens();
        int maxTokens = r.maxTokens() == null ? context - promptTokens : r.maxTokens();
        if (promptTokens >= context || (long) promptTokens + maxTokens > context) {
            throw ApiError.contextTooLong(context, promptTokens, maxTokens);
        }
        if (queued.get() >= MAX_QUEUED) {
            throw ApiError.server(503, "the worker has " + MAX_QUEUED + " requests waiting; try another replica");
        }
        queued.incrementAndGet();
        try {
            slots.acquire();
        } finally {
            queued.decrementAndGet();
        }
        active.incrementAndGet();
        try {
            String id = (chat ? "chatcmpl-" : "cmpl-")
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            long created = clock.millis() / 1000;
            if (r.stream()) {
                try (Sse sse = new Sse(ctx)) {
                    // An SSE comment (clients ignore it): the prompt's tokens, so that a gateway can charge what it
                    // delivered of a stream its client left before the usage chunk.
                    sse.raw(": prompt_tokens=" + promptTokens + "\n\n");
                    boolean[] first = {true};
                    LlamaEngine.Generation g = generate(
                            r,
                            prompt,
                            promptTokens,
                            maxTokens,
                            piece -> {
                                pace();
                                sse.data(Json.write(Wire.chunk(chat, id, created, modelId, piece, first[0], null)));
                                first[0] = false;
                            },
                            sse::broken);
                    sse.data(Json.write(
                            Wire.chunk(chat, id, created, modelId, chat ? null : "", first[0], g.finishReason())));
                    sse.data(Json.write(
                            Wire.usageChunk(chat, id, created, modelId, g.promptTokens(), g.completionTokens())));
                    sse.done();
                }
            } else {
                LlamaEngine.Generation g = generate(r, prompt, promptTokens, maxTokens, piece -> pace(), () -> false);
                ctx.json(Wire.completion(
                        chat,
                        id,
                        created,
                        modelId,
                        g.text(),
                        g.finishReason(),
                        g.promptTokens(),
                        g.completionTokens()));
            }
            served.incrementAndGet();
        } finally {
            active.decrementAndGet();
            slots.release();
        }
    }

    /** Runs the model on {@code prompt} with the request's sampling settings. */
    private LlamaEngine.Generation generate(
            CompletionRequest r,
            String prompt,
            int promptTokens,
            int maxTokens,
            Consumer<String> onToken,
            BooleanSupplier cancelled) {
        return engine.generate(
                prompt,
                promptTokens,
                maxTokens,
                r.temperature(),
                r.topP(),
                r.seed(),
                r.stop(),
                r.ignoreEos(),
                onToken,
                cancelled);
    }

    @Override
    public void close() {
        app.stop();
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Edge;
import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.crypto.Address;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's HTTP routes: the OpenAI-compatible API ({@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}), each key's usage, key management for account owners, and the replicas for the
 * operator alone; {@link #install} registers them with the error answers every route shares.
 */
final class GatewayRoutes {
    private static final Set<String> NO_QUERY = Set.of();

    private final KeyLimits keyLimits;
    private final Billing billing;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final Clock clock;
    private final Consumer<String> say;
    private final Map<String, ModelPool> pools;
    private final WorkerRelay relay;

    GatewayRoutes(
            KeyLimits keyLimits,
            Billing billing,
            ApiKeys keys,
            Clock clock,
            Consumer<String> say,
            Map<String, ModelPool> pools,
            WorkerRelay relay) {
        this.keyLimits = keyLimits;
        this.billing = billing;
        this.keys = keys;
        this.limiter = new RateLimiter(clock, keyLimits);
        this.clock = clock;
        this.say = say;
        this.pools = pools;
        this.relay = relay;
    }

    /** Registers the routes and the error answers. */
    void install(JavalinConfig cfg) {
        cfg.routes.get("/v1/models", this::models);
        cfg.routes.get("/v1/gateway", this::about);
        cfg.routes.post("/v1/chat/completions", ctx -> complete(ctx, true));
        cfg.routes.post("/v1/completions", ctx -> complete(ctx, false));
        cfg.routes.get("/v1/usage", this::usage);
        cfg.routes.post("/v1/keys", this::createKey);
        cfg.routes.get("/v1/keys", this::listKeys);
        cfg.routes.delete("/v1/keys/{id}", this::revokeKey);
        cfg.routes.get("/v1/replicas", this::replicas);
        cfg.routes.exception(ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
            ApiError a = ApiError.http(e.getStatus(), e.getMessage());
            ctx.status(a.status()).json(a.body());
        });
        cfg.routes.exception(
                Exception.class,
                (e, ctx) -> ctx.status(500)
                        .json(ApiError.server(
                                        500,
                                        "the gateway failed: " + e.getClass().getSimpleName() + ": " + e.getMessage())
                                .body()));
        cfg.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ctx.json(ApiError.invalid(null, "no such endpoint: " + ctx.method() + " " + Edge.shortened(ctx.path()))
                        .body());
            }
        });
    }

    private void models(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        List<Object> data = new ArrayList<>();
        for (ModelPool p : pools.values()) {
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
        for (ModelPool p : pools.values()) {
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
        ModelPool pool = pools.get(r.model());
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
                long[] usage = relay.forward(ctx, pool, r, chat);
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

    private void usage(Context ctx) {
        Edge.query(ctx, Set.of("limit"));
        int limit =
                Edge.intParam(ctx, "limit", InferenceGateway.DEFAULT_USAGE_ITEMS, 1, InferenceGateway.MAX_USAGE_ITEMS);
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
        return signer(
                ctx,
                InferenceGateway.KEYS_SCOPE,
                "key management needs a token signed by the account: use vyoma inference keys");
    }

    /** Only the gateway's own key may read what the operator sees. */
    private void operator(Context ctx) {
        String need = "the replicas are the operator's: send a token signed by the gateway's key " + billing.gateway()
                + " for " + InferenceGateway.OPERATOR_SCOPE;
        if (!billing.gateway().equals(signer(ctx, InferenceGateway.OPERATOR_SCOPE, need))) {
            throw ApiError.unauthorized(need);
        }
    }

    private void createKey(Context ctx) {
        Edge.query(ctx, NO_QUERY);
        Address owner = owner(ctx);
        KeyRequest want = KeyRequest.parse(Edge.body(ctx, KeyRequest.MAX_BODY_BYTES), keyLimits);
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
}

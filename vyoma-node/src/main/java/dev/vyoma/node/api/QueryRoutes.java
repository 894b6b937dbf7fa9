package dev.vyoma.node.api;

import dev.vyoma.ledger.Queries;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.node.Node;
import dev.vyoma.sdl.spec.Attribute;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ledger's queries over HTTP: every entity by id (ids in paths as Akash writes them,
 * {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}), and lists with filters and {@code offset}/{@code limit} pages
 * ({@code {"items", "offset", "more"}}, at most 1,000 a page). Each reads one consistent state, between
 * blocks.
 */
final class QueryRoutes {
    private final Node node;

    QueryRoutes(Node node) {
        this.node = node;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/deployments", ctx -> {
            Address owner = address(required(ctx, "owner"), "owner");
            DeploymentState state = state(ctx.queryParam("state"), DeploymentState.class);
            page(ctx, q -> q.deploymentsByOwner(owner, state, offset(ctx), limit(ctx)));
        });
        routes.get("/v1/deployments/{owner}/{dseq}", ctx -> one(ctx, q -> q.deployment(deployment(ctx)), "deployment"));
        routes.get("/v1/groups/{owner}/{dseq}/{gseq}", ctx -> {
            String accept = ctx.header("Accept");
            if (accept != null && accept.contains("application/octet-stream")) {
                // The ledger's canonical encoding: what a provider decodes to evaluate the group exactly.
                GroupId id = group(ctx);
                Optional<dev.vyoma.ledger.deployment.Group> g = node.query(s -> new Queries(s).group(id));
                if (g.isEmpty()) {
                    throw new HttpResponseException(
                            404,
                            "no group " + ctx.pathParam("owner") + "/" + ctx.pathParam("dseq") + "/"
                                    + ctx.pathParam("gseq"));
                }
                ctx.contentType("application/octet-stream")
                        .result(dev.vyoma.ledger.codec.Codec.encode(g.get(), dev.vyoma.ledger.deployment.Group.class));
                return;
            }
            one(ctx, q -> q.group(group(ctx)), "group");
        });
        routes.get("/v1/orders", ctx -> {
            String state = ctx.queryParam("state");
            if (state != null && !state.equals("open")) {
                throw new HttpResponseException(400, "orders are listed by state=open (the default); get others by id");
            }
            page(ctx, q -> q.openOrders(offset(ctx), limit(ctx)));
        });
        routes.get("/v1/orders/{owner}/{dseq}/{gseq}/{oseq}", ctx -> one(ctx, q -> q.order(order(ctx)), "order"));
        routes.get("/v1/bids", ctx -> {
            String order = ctx.queryParam("order");
            String provider = ctx.queryParam("provider");
            if ((order == null) == (provider == null)) {
                throw new HttpResponseException(400, "list bids by order=OWNER/DSEQ/GSEQ/OSEQ or by provider=ADDRESS");
            }
            if (order != null) {
                OrderId id = orderOf(order.split("/"), 0);
                List<?> bids = node.query(s -> new Queries(s).bidsByOrder(id));
                ctx.json(Map.of("items", bids, "offset", 0, "more", false));
            } else {
                Address p = address(provider, "provider");
                page(ctx, q -> q.bidsByProvider(p, offset(ctx), limit(ctx)));
            }
        });
        routes.get("/v1/bids/{owner}/{dseq}/{gseq}/{oseq}/{provider}", ctx -> one(ctx, q -> q.bid(bid(ctx)), "bid"));
        routes.get("/v1/leases", ctx -> {
            String owner = ctx.queryParam("owner");
            String provider = ctx.queryParam("provider");
            if ((owner == null) == (provider == null)) {
                throw new HttpResponseException(400, "list leases by owner=ADDRESS (and state) or by provider=ADDRESS");
            }
            if (owner != null) {
                Address o = address(owner, "owner");
                LeaseState state = state(ctx.queryParam("state"), LeaseState.class);
                page(ctx, q -> q.leasesByOwner(o, state, offset(ctx), limit(ctx)));
            } else {
                String state = ctx.queryParam("state");
                if (state != null && !state.equals("active")) {
                    throw new HttpResponseException(
                            400, "a provider's leases are listed with state=active (the default)");
                }
                Address p = address(provider, "provider");
                page(ctx, q -> q.activeLeasesByProvider(p, offset(ctx), limit(ctx)));
            }
        });
        routes.get(
                "/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/{provider}", ctx -> one(ctx, q -> q.lease(bid(ctx)), "lease"));
        routes.get("/v1/providers", ctx -> {
            List<Attribute> required = new ArrayList<>();
            for (String a : ctx.queryParams("attr")) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new HttpResponseException(400, "attr is KEY=VALUE, got " + a);
                }
                required.add(new Attribute(a.substring(0, eq), a.substring(eq + 1)));
            }
            page(ctx, q -> q.providers(required, offset(ctx), limit(ctx)));
        });
        routes.get("/v1/providers/{address}", ctx -> {
            Address a = address(ctx.pathParam("address"), "address");
            one(ctx, q -> q.provider(a), "provider");
        });
        routes.get("/v1/audits", ctx -> {
            Address provider = address(required(ctx, "provider"), "provider");
            List<?> audits = node.query(s -> dev.vyoma.ledger.market.Matching.audited(s, provider));
            ctx.json(Map.of("items", audits, "offset", 0, "more", false));
        });
        routes.get("/v1/certificates", ctx -> {
            Address owner = address(required(ctx, "owner"), "owner");
            List<?> certs = node.query(s -> new Queries(s).activeCertificates(owner));
            ctx.json(Map.of("items", certs, "offset", 0, "more", false));
        });
        routes.get("/v1/inference/accounts", ctx -> {
            String owner = ctx.queryParam("owner");
            String gateway = ctx.queryParam("gateway");
            if (owner == null && gateway == null) {
                throw new HttpResponseException(400, "list inference accounts by owner=ADDRESS or gateway=ADDRESS");
            }
            if (owner != null) {
                Address o = address(owner, "owner");
                page(ctx, q -> q.inferenceAccountsByOwner(o, offset(ctx), limit(ctx)));
            } else {
                Address g = address(gateway, "gateway");
                InferenceAccountState state = state(ctx.queryParam("state"), InferenceAccountState.class);
                page(ctx, q -> q.inferenceAccountsByGateway(g, state, offset(ctx), limit(ctx)));
            }
        });
        routes.get(
                "/v1/inference/accounts/{owner}/{gateway}",
                ctx -> one(ctx, q -> q.inferenceAccount(inferenceAccount(ctx)), "inference account"));
        routes.get("/v1/inference/charges/{owner}/{gateway}", ctx -> {
            InferenceAccountId id = inferenceAccount(ctx);
            page(ctx, q -> q.inferenceCharges(id, offset(ctx), limit(ctx)));
        });
        routes.get("/v1/inference/gateways/{address}", ctx -> {
            Address a = address(ctx.pathParam("address"), "address");
            one(ctx, q -> q.inferenceGateway(a), "inference gateway");
        });
        routes.get("/v1/escrow/{owner}/{dseq}", ctx -> {
            DeploymentId id = deployment(ctx);
            String at = ctx.queryParam("height");
            Long height = at == null ? null : number(at, "height");
            one(ctx, q -> q.escrow(id, height == null ? node.blocks().latestHeight() : height), "escrow account");
        });
    }

    private <T> void one(Context ctx, Function<Queries, Optional<T>> query, String what) {
        Optional<T> found = node.query(s -> query.apply(new Queries(s)));
        if (found.isEmpty()) {
            throw new HttpResponseException(
                    404, "no " + what + " " + ctx.path().substring(ctx.path().indexOf('/', 4) + 1));
        }
        ctx.json(found.get());
    }

    private void page(Context ctx, Function<Queries, Queries.Page<?>> query) {
        Queries.Page<?> p = node.query(s -> query.apply(new Queries(s)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", p.items());
        out.put("offset", p.offset());
        out.put("more", p.more());
        ctx.json(out);
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw new HttpResponseException(400, name + " is required");
        }
        return v;
    }

    private static int offset(Context ctx) {
        String v = ctx.queryParam("offset");
        return v == null ? 0 : (int) Math.min(Integer.MAX_VALUE, number(v, "offset"));
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        long l = v == null ? 100 : number(v, "limit");
        if (l < 1 || l > Queries.MAX_LIMIT) {
            throw new HttpResponseException(400, "limit is 1 to " + Queries.MAX_LIMIT + ", got " + v);
        }
        return (int) l;
    }

    private static long number(String v, String name) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HttpResponseException(400, name + " is a whole number from 0, got " + v);
    }

    private static <E extends Enum<E>> E state(String v, Class<E> type) {
        if (v == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new HttpResponseException(400, "state is one of " + String.join(", ", names) + "; got " + v);
        }
    }

    private static Address address(String v, String name) {
        try {
            return Address.parse(v);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, name + ": " + e.getMessage());
        }
    }

    private static DeploymentId deployment(Context ctx) {
        return new DeploymentId(address(ctx.pathParam("owner"), "owner"), number(ctx.pathParam("dseq"), "dseq"));
    }

    private static InferenceAccountId inferenceAccount(Context ctx) {
        return new InferenceAccountId(
                address(ctx.pathParam("owner"), "owner"), address(ctx.pathParam("gateway"), "gateway"));
    }

    private static GroupId group(Context ctx) {
        return new GroupId(deployment(ctx), (int) number(ctx.pathParam("gseq"), "gseq"));
    }

    private static OrderId order(Context ctx) {
        return new OrderId(group(ctx), (int) number(ctx.pathParam("oseq"), "oseq"));
    }

    private static BidId bid(Context ctx) {
        return new BidId(order(ctx), address(ctx.pathParam("provider"), "provider"));
    }

    private static OrderId orderOf(String[] parts, int from) {
        if (parts.length - from != 4) {
            throw new HttpResponseException(400, "an order id is OWNER/DSEQ/GSEQ/OSEQ");
        }
        DeploymentId d = new DeploymentId(address(parts[from], "owner"), number(parts[from + 1], "dseq"));
        return new OrderId(new GroupId(d, (int) number(parts[from + 2], "gseq")), (int)
                number(parts[from + 3], "oseq"));
    }
}

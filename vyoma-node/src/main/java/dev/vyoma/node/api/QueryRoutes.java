package dev.vyoma.node.api;

import dev.vyoma.ledger.Queries;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.node.chain.Node;
import dev.vyoma.sdl.spec.Attribute;
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
 * blocks. Every path and query parameter is parsed into its typed value by the ledger's own parser, in its one
 * canonical spelling ({@code 070} is not {@code 70}); anything else is a 400 that says what the value must look
 * like.
 */
final class QueryRoutes {
    /** Most {@code attr} filters in one provider query. */
    static final int MAX_ATTRS = 32;

    private final Node node;

    QueryRoutes(Node node) {
        this.node = node;
    }

    /** Declares every query route in {@code table}. */
    void register(RouteTable table) {
        table.get("/v1/deployments")
                .summary("An owner's deployments, optionally in one state")
                .requiredQuery("owner", "string", "the owner's address, bech32 vyoma1… (required)")
                .query("state", "string", "active or closed")
                .paged()
                .handle(ctx -> {
                    Address owner = address(required(ctx, "owner"), "owner");
                    DeploymentState state = state(ctx.queryParam("state"), DeploymentState.class);
                    page(ctx, q -> q.deploymentsByOwner(owner, state, offset(ctx), limit(ctx)));
                });
        table.get("/v1/deployments/{owner}/{dseq}")
                .summary("A deployment")
                .returns("Deployment")
                .handle(ctx -> one(ctx, q -> q.deployment(deployment(ctx)), "deployment"));
        table.get("/v1/groups/{owner}/{dseq}/{gseq}")
                .summary("A deployment's group; with Accept: application/octet-stream, the ledger's canonical encoding")
                .header("Accept", "application/octet-stream for the canonical encoding")
                .returns("Group")
                .handle(ctx -> {
                    String accept = ctx.header("Accept");
                    if (accept != null && accept.contains("application/octet-stream")) {
                        // The ledger's canonical encoding: what a provider decodes to evaluate the group exactly.
                        GroupId id = group(ctx);
                        Optional<dev.vyoma.ledger.deployment.Group> g = node.query(s -> new Queries(s).group(id));
                        if (g.isEmpty()) {
                            throw new HttpResponseException(404, "no group " + id);
                        }
                        ctx.contentType("application/octet-stream")
                                .result(dev.vyoma.ledger.codec.Codec.encode(
                                        g.get(), dev.vyoma.ledger.deployment.Group.class));
                        return;
                    }
                    one(ctx, q -> q.group(group(ctx)), "group");
                });
        table.get("/v1/orders")
                .summary("The open orders")
                .query("state", "string", "open (the default; others are read by id)")
                .paged()
                .handle(ctx -> {
                    String state = ctx.queryParam("state");
                    if (state != null && !state.equals("open")) {
                        // Only one spelling: "OPEN" is refused as any other value is.
                        throw new HttpResponseException(
                                400, "orders are listed by state=open (the default); get others by id");
                    }
                    page(ctx, q -> q.openOrders(offset(ctx), limit(ctx)));
                });
        table.get("/v1/orders/{owner}/{dseq}/{gseq}/{oseq}")
                .summary("An order")
                .returns("Order")
                .handle(ctx -> one(ctx, q -> q.order(order(ctx)), "order"));
        table.get("/v1/bids")
                .summary("The bids on an order, or a provider's bids (paged)")
                .query("order", "string", "OWNER/DSEQ/GSEQ/OSEQ (this or provider)")
                .query("provider", "string", "the provider's address (this or order)")
                .paged()
                .handle(ctx -> {
                    String order = ctx.queryParam("order");
                    String provider = ctx.queryParam("provider");
                    if ((order == null) == (provider == null)) {
                        throw new HttpResponseException(
                                400, "list bids by order=OWNER/DSEQ/GSEQ/OSEQ or by provider=ADDRESS");
                    }
                    if (order != null) {
                        OrderId id = parsed(() -> OrderId.parse(order));
                        List<?> bids = node.query(s -> new Queries(s).bidsByOrder(id));
                        ctx.json(Map.of("items", bids, "offset", 0, "more", false));
                    } else {
                        Address p = address(provider, "provider");
                        page(ctx, q -> q.bidsByProvider(p, offset(ctx), limit(ctx)));
                    }
                });
        table.get("/v1/bids/{owner}/{dseq}/{gseq}/{oseq}/{provider}")
                .summary("A bid")
                .returns("Bid")
                .handle(ctx -> one(ctx, q -> q.bid(bid(ctx)), "bid"));
        table.get("/v1/leases")
                .summary("An owner's leases (optionally in one state), or a provider's active leases")
                .query("owner", "string", "the owner's address (this or provider)")
                .query("state", "string", "with owner: a lease state; with provider: active (the default)")
                .query("provider", "string", "the provider's address (this or owner)")
                .paged()
                .handle(ctx -> {
                    String owner = ctx.queryParam("owner");
                    String provider = ctx.queryParam("provider");
                    if ((owner == null) == (provider == null)) {
                        throw new HttpResponseException(
                                400, "list leases by owner=ADDRESS (and state) or by provider=ADDRESS");
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
        table.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/{provider}")
                .summary("A lease")
                .returns("Lease")
                .handle(ctx -> one(ctx, q -> q.lease(bid(ctx)), "lease"));
        table.get("/v1/providers")
                .summary("The registered providers, optionally only those with every given attribute")
                .query("attr", "string", "KEY=VALUE, repeatable (at most 32)")
                .paged()
                .handle(ctx -> {
                    List<Attribute> required = new ArrayList<>();
                    List<String> attrs = ctx.queryParams("attr");
                    if (attrs.size() > MAX_ATTRS) {
                        throw new HttpResponseException(
                                400, "at most " + MAX_ATTRS + " attr filters in one query, got " + attrs.size());
                    }
                    for (String a : attrs) {
                        int eq = a.indexOf('=');
                        if (eq <= 0) {
                            throw new HttpResponseException(400, "attr is KEY=VALUE, got " + a);
                        }
                        try {
                            required.add(new Attribute(a.substring(0, eq), a.substring(eq + 1)));
                        } catch (IllegalArgumentException e) {
                            throw new HttpResponseException(400, "attr: " + e.getMessage());
                        }
                    }
                    page(ctx, q -> q.providers(required, offset(ctx), limit(ctx)));
                });
        table.get("/v1/providers/{address}")
                .summary("A provider: its host, attributes and info")
                .returns("Provider")
                .handle(ctx -> {
                    Address a = address(ctx.pathParam("address"), "address");
                    one(ctx, q -> q.provider(a), "provider");
                });
        table.get("/v1/audits")
                .summary("The attributes auditors signed for a provider")
                .requiredQuery("provider", "string", "the provider's address (required)")
                .returns("Page")
                .handle(ctx -> {
                    Address provider = address(required(ctx, "provider"), "provider");
                    List<?> audits = node.query(s -> dev.vyoma.ledger.machine.Matching.audited(s, provider));
                    ctx.json(Map.of("items", audits, "offset", 0, "more", false));
                });
        table.get("/v1/certificates")
                .summary("An owner's active certificates")
                .requiredQuery("owner", "string", "the owner's address (required)")
                .returns("Page")
                .handle(ctx -> {
                    Address owner = address(required(ctx, "owner"), "owner");
                    List<?> certs = node.query(s -> new Queries(s).activeCertificates(owner));
                    ctx.json(Map.of("items", certs, "offset", 0, "more", false));
                });
        table.get("/v1/inference/accounts")
                .summary("An owner's inference accounts, or a gateway's (optionally in one state)")
                .query("owner", "string", "the owner's address (this or gateway)")
                .query("gateway", "string", "the gateway's address (this or owner)")
                .query("state", "string", "with gateway: an inference account state")
                .paged()
                .handle(ctx -> {
                    String owner = ctx.queryParam("owner");
                    String gateway = ctx.queryParam("gateway");
                    if (owner == null && gateway == null) {
                        throw new HttpResponseException(
                                400, "list inference accounts by owner=ADDRESS or gateway=ADDRESS");
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
        table.get("/v1/inference/accounts/{owner}/{gateway}")
                .summary("An inference account: its balance at a gateway")
                .returns("InferenceAccount")
                .handle(ctx -> one(ctx, q -> q.inferenceAccount(inferenceAccount(ctx)), "inference account"));
        table.get("/v1/inference/charges/{owner}/{gateway}")
                .summary("The charges a gateway settled on an inference account")
                .paged()
                .handle(ctx -> {
                    InferenceAccountId id = inferenceAccount(ctx);
                    page(ctx, q -> q.inferenceCharges(id, offset(ctx), limit(ctx)));
                });
        table.get("/v1/inference/gateways/{address}")
                .summary("An inference gateway's settlement progress")
                .returns("GatewaySettlement")
                .handle(ctx -> {
                    Address a = address(ctx.pathParam("address"), "address");
                    one(ctx, q -> q.inferenceGateway(a), "inference gateway");
                });
        table.get("/v1/deposit-grants")
                .summary("Deposit grants by granter or by grantee")
                .query("granter", "string", "the granter's address (this or grantee)")
                .query("grantee", "string", "the grantee's address (this or granter)")
                .paged()
                .handle(ctx -> {
                    String granter = ctx.queryParam("granter");
                    String grantee = ctx.queryParam("grantee");
                    if ((granter == null) == (grantee == null)) {
                        throw new HttpResponseException(
                                400, "list deposit grants by granter=ADDRESS or by grantee=ADDRESS");
                    }
                    if (granter != null) {
                        Address g = address(granter, "granter");
                        page(ctx, q -> q.depositGrantsByGranter(g, offset(ctx), limit(ctx)));
                    } else {
                        Address g = address(grantee, "grantee");
                        page(ctx, q -> q.depositGrantsByGrantee(g, offset(ctx), limit(ctx)));
                    }
                });
        table.get("/v1/deposit-grants/{granter}/{grantee}")
                .summary("A deposit grant: limit, spent, expiry")
                .returns("DepositGrant")
                .handle(ctx -> {
                    Address granter = address(ctx.pathParam("granter"), "granter");
                    Address grantee = address(ctx.pathParam("grantee"), "grantee");
                    one(ctx, q -> q.depositGrant(granter, grantee), "deposit grant");
                });
        table.get("/v1/escrow/{owner}/{dseq}")
                .summary("A deployment's escrow account, projected to a height")
                .query("height", "integer", "the height to project to (default: the latest)")
                .returns("EscrowAccount")
                .handle(ctx -> {
                    DeploymentId id = deployment(ctx);
                    String at = ctx.queryParam("height");
                    Long height = at == null ? null : number(at, "height", 0, Long.MAX_VALUE);
                    one(
                            ctx,
                            q -> q.escrow(id, height == null ? node.blocks().latestHeight() : height),
                            "escrow account");
                });
    }

    private <T> void one(Context ctx, Function<Queries, Optional<T>> query, String what) {
        Optional<T> found = node.query(s -> query.apply(new Queries(s)));
        if (found.isEmpty()) {
            // The path was parsed before the query ran: it is the id's canonical spelling.
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
        return v == null ? 0 : (int) number(v, "offset", 0, Integer.MAX_VALUE);
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        return v == null ? 100 : (int) number(v, "limit", 1, Queries.MAX_LIMIT);
    }

    /** A whole number in its one canonical spelling ({@link WholeNumber}), or a 400 that says what it must be. */
    static long number(String v, String name, long min, long max) {
        return parsed(() -> WholeNumber.parse(v, name, min, max));
    }

    /** A state filter: exactly one of the enum's names in lower case, as the node writes them. */
    private static <E extends Enum<E>> E state(String v, Class<E> type) {
        if (v == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (E c : type.getEnumConstants()) {
            String name = c.name().toLowerCase(Locale.ROOT);
            if (name.equals(v)) {
                return c;
            }
            names.add(name);
        }
        throw new HttpResponseException(
                400, "state is one of " + String.join(", ", names) + "; got " + WholeNumber.shown(v));
    }

    private static Address address(String v, String name) {
        return parsed(() -> DeploymentId.address(v, name));
    }

    /** The value {@code parse} gives, its {@link IllegalArgumentException} turned into a 400 with its message. */
    static <T> T parsed(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
    }

    private static DeploymentId deployment(Context ctx) {
        return parsed(() -> DeploymentId.parse(ctx.pathParam("owner"), ctx.pathParam("dseq")));
    }

    private static InferenceAccountId inferenceAccount(Context ctx) {
        return new InferenceAccountId(
                address(ctx.pathParam("owner"), "owner"), address(ctx.pathParam("gateway"), "gateway"));
    }

    private static GroupId group(Context ctx) {
        return parsed(() -> GroupId.parse(ctx.pathParam("owner"), ctx.pathParam("dseq"), ctx.pathParam("gseq")));
    }

    private static OrderId order(Context ctx) {
        return parsed(() -> OrderId.parse(
                ctx.pathParam("owner"), ctx.pathParam("dseq"), ctx.pathParam("gseq"), ctx.pathParam("oseq")));
    }

    private static BidId bid(Context ctx) {
        return new BidId(order(ctx), address(ctx.pathParam("provider"), "provider"));
    }
}

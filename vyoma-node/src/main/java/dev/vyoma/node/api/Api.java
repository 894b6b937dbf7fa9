package dev.vyoma.node.api;

import dev.vyoma.http.ClientConnections;
import dev.vyoma.http.SlowHeads;
import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.node.chain.Node;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson3;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The node's HTTP/JSON API under {@code /v1}. Every answer is JSON; every refusal is a 4xx with {@code
 * {"error": {...}}} whose message says what to fix, and no request can disturb the node: bodies are
 * bounded, parsing happens before anything reaches the mempool, and handler failures become 500s. Nor can
 * many requests: open connections and event subscribers are capped in all and per client ({@link Limits}), idle
 * connections are closed, and the caps leave the descriptors consensus and storage need, so the chain goes on
 * producing blocks and its members go on talking while the API is saturated.
 */
public final class Api implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    /**
     * How much the API serves at once. {@link #defaults()} fits the process's limit on open files: whatever the
     * caps, {@link #RESERVED_DESCRIPTORS} stay for the Raft log and its peers, the block store and the JVM.
     */
    public record Limits(
            int connections,
            int connectionsPerClient,
            int subscribers,
            int subscribersPerClient,
            Duration idleTimeout,
            Duration overCapIdle,
            int acceptQueue,
            Duration keepAlive) {
        /** Open API connections at most (503 past it, then no accepting at all). */
        public static final int MAX_CONNECTIONS = 4_096;
        /** Open API connections from one remote address (429 past it). */
        public static final int MAX_CONNECTIONS_PER_CLIENT = 256;
        /** Event-stream subscribers at most (503 past it). */
        public static final int MAX_EVENT_SUBSCRIBERS = 1_024;
        /** Event-stream subscribers from one remote address (429 past it). */
        public static final int MAX_EVENT_SUBSCRIBERS_PER_CLIENT = 32;
        /** A connection with nothing to read or write for this long is closed. */
        public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
        /** A connection opened past a cap that sends no request is closed after this. */
        public static final Duration OVER_CAP_IDLE_TIMEOUT = Duration.ofSeconds(2);
        /** Connections waiting in the kernel to be accepted. */
        public static final int ACCEPT_QUEUE = 128;
        /** How often an event stream with nothing to say writes a comment (and so finds a subscriber that left). */
        public static final Duration EVENTS_KEEP_ALIVE = Duration.ofSeconds(5);
        /** Descriptors never given to API connections: consensus (Raft log, snapshots, peers), storage, the JVM. */
        public static final int RESERVED_DESCRIPTORS = 1_024;
        /** Connections accepted past the cap only to be answered 503 and closed; past these, none is accepted. */
        public static final int OVERFLOW_CONNECTIONS = 64;
        /** The fewest connections the API serves, however low the limit on open files. */
        public static final int MIN_CONNECTIONS = 64;

        public Limits {
            if (connections < 1 || connectionsPerClient < 1 || subscribersPerClient < 1 || acceptQueue < 1) {
                throw new IllegalArgumentException("API limits must be positive");
            }
            if (subscribers < 1 || subscribers > connections || subscribersPerClient > connectionsPerClient) {
                throw new IllegalArgumentException("event subscribers must fit in the connections they use");
            }
            if (keepAlive.compareTo(idleTimeout) >= 0 || overCapIdle.compareTo(idleTimeout) > 0) {
                throw new IllegalArgumentException("keep-alives must come before the idle timeout closes a stream");
            }
        }

        /** The limits for this process: the defaults, with fewer connections if its limit on open files is low. */
        public static Limits defaults() {
            return forDescriptors(maxDescriptors());
        }

        /** The defaults for a process that may open {@code maxDescriptors} files (sockets included). */
        public static Limits forDescriptors(long maxDescriptors) {
            long room = maxDescriptors - RESERVED_DESCRIPTORS - OVERFLOW_CONNECTIONS;
            int connections = (int) Math.max(MIN_CONNECTIONS, Math.min(MAX_CONNECTIONS, room));
            return new Limits(
                    connections,
                    Math.min(MAX_CONNECTIONS_PER_CLIENT, connections),
                    Math.min(MAX_EVENT_SUBSCRIBERS, connections / 2),
                    Math.min(MAX_EVENT_SUBSCRIBERS_PER_CLIENT, Math.min(MAX_CONNECTIONS_PER_CLIENT, connections)),
                    IDLE_TIMEOUT,
                    OVER_CAP_IDLE_TIMEOUT,
                    ACCEPT_QUEUE,
                    EVENTS_KEEP_ALIVE);
        }

        private static long maxDescriptors() {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
            return Long.MAX_VALUE;
        }
    }

    /** A request head (request line and headers) must arrive within this of its first byte (slowloris). */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

    /** Largest request body: a transaction is at most 64 KiB, 88 KiB in base64. */
    public static final long MAX_REQUEST_BYTES = 256 * 1024;

    /** Longest message of an error answer, in characters. */
    public static final int MAX_ERROR_MESSAGE_CHARS = 500;

    /** Most transactions in one batch request. */
    public static final int MAX_BATCH = 1_000;

    /** Where a subscription's parsed parameters wait between the check and the stream. */
    private static final String SUBSCRIPTION = "vyoma.subscription";

    /** Where a subscriber's admitted place waits between the check and the stream. */
    private static final String PLACE = "vyoma.subscriber";

    private final Node node;
    private final JsonMapper json = ApiJson.mapper();
    private final Javalin app;
    private final Forwarder forwarder;
    private final EventStream events;
    private final ClientConnections connections;
    private final SlowHeads slowHeads = new SlowHeads(HEAD_TIMEOUT);
    /** The OpenAPI document of the routes, made once from the table they are registered from. */
    private final String openApi;

    private Api(Node node, String host, int port, Map<String, String> memberApis, Limits limits) {
        this.node = node;
        // Also for a node alone: validators added later are reached at the API address their Raft entry carries.
        this.forwarder = new Forwarder(node, memberApis, Duration.ofMillis(200));
        this.events = new EventStream(node, json, limits);
        this.connections = new ClientConnections(
                limits.connectionsPerClient(), limits.connections(), limits.overCapIdle(), "the node");
        RouteTable table = routes();
        this.openApi = OpenApi.document(table);
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(json, false));
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout(limits.idleTimeout().toMillis());
                c.setAcceptQueueSize(limits.acceptQueue());
                c.addEventListener(connections);
                c.addEventListener(slowHeads);
                c.addBean(slowHeads);
                // Past the cap and its overflow nothing more is accepted: no descriptor is spent on it.
                c.addBean(new NetworkConnectionLimit(limits.connections() + Limits.OVERFLOW_CONNECTIONS, c));
                return c;
            });
            // First of all: a connection opened past a cap gets its refusal, and is closed.
            cfg.routes.before(connections::refuseOverCap);
            cfg.routes.before("/v1/events", ctx -> {
                String accept = ctx.header("Accept");
                if (accept == null || !accept.contains("text/event-stream")) {
                    throw new HttpResponseException(
                            406, "/v1/events is a Server-Sent Events stream: send Accept: text/event-stream");
                }
                // Parsed and admitted before the stream starts (its status goes out first), so a bad parameter or a
                // full node is a 4xx or 503 rather than an event.
                EventStream.Request request = QueryRoutes.parsed(() -> EventStream.request(
                        ctx.header("Last-Event-ID"),
                        ctx.queryParam("from"),
                        ctx.queryParam("types"),
                        node.blocks().latestHeight()));
                long first = node.blocks().firstHeight();
                if (request.start().height() < first) {
                    throw new HttpResponseException(410, history(first));
                }
                ctx.attribute(SUBSCRIPTION, request);
                ctx.attribute(
                        PLACE,
                        events.admit(java.net.InetAddress.getByName(ctx.req().getRemoteAddr())));
            });
            table.register(cfg.routes);
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 429 || e.getStatus() == 503) {
                    // A client past a cap gets its answer and loses the connection, which it would hold otherwise.
                    ctx.header("Connection", "close");
                }
                fail(ctx, e.getStatus(), null, e.getMessage());
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
                fail(
                        ctx,
                        500,
                        null,
                        "the node failed to answer: " + e.getClass().getSimpleName());
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    fail(
                            ctx,
                            404,
                            null,
                            "no such endpoint: " + ctx.method() + " " + ctx.path() + " (see /openapi.json)");
                }
            });
            cfg.routes.error(405, ctx -> fail(ctx, 405, null, ctx.method() + " is not allowed on " + ctx.path()));
        });
    }

    /**
     * Every route of the API, with its description: the server registers these and {@code /openapi.json}
     * describes these, so a route is added here (or in {@link TxRoutes}, {@link QueryRoutes}) and nowhere else.
     */
    private RouteTable routes() {
        RouteTable table = new RouteTable();
        table.get("/v1/status")
                .summary("Node status: chain, height, block interval, leader, term, peers, mempool")
                .returns("Status")
                .handle(this::status);
        new TxRoutes(node, json, forwarder).register(table);
        table.get("/v1/blocks")
                .summary("Consecutive blocks with their results, each as /v1/blocks/{height} answers it: at most"
                        + " 1,000 a request and about 4 MiB; next (else null) is the height to ask from")
                .requiredQuery("from", "integer", "first height, from 1 (required)")
                .query("to", "integer", "last height: at most from+999 and the latest (default: both)")
                .returns("BlockRange")
                .answers(400, "Not a height, to below from, over 1,000 blocks, or past the latest", "Error")
                .answers(404, "from is above the latest height", "Error")
                .answers(503, "16 ranges are being answered; retry", "Error")
                .handle(ctx -> BlockRange.serve(ctx, node.blocks(), json));
        table.get("/v1/blocks/latest")
                .summary("The latest block with its results")
                .returns("Block")
                .handle(ctx -> block(ctx, node.blocks().latestHeight()));
        table.get("/v1/blocks/{height}")
                .summary("A block with its results")
                .returns("Block")
                .handle(ctx -> block(ctx, height(ctx.pathParam("height"))));
        table.get("/v1/accounts/{address}")
                .summary("An account's sequence and balances")
                .returns("Account")
                .handle(this::account);
        new QueryRoutes(node).register(table);
        new MembershipRoutes(node, json).register(table);
        table
                .events("/v1/events")
                .summary("The chain's events as Server-Sent Events (send Accept: text/event-stream): each with id"
                        + " HEIGHT:INDEX and its JSON, each block closed by a block event")
                .query("from", "integer", "the height to start at (default: the next block)")
                .query("types", "string", "comma-separated event types to keep (block markers always come)")
                .header("Last-Event-ID", "HEIGHT:INDEX of the last event seen: resume right after it")
                .returns("Event")
                .answers(406, "Accept does not name text/event-stream", "Error")
                .answers(429, "Too many event streams from this client", "Error")
                .answers(503, "Too many event streams", "Error")
                .stream(this::stream);
        table.get("/v1/params")
                .summary("The chain's parameters: denominations, fees per message kind, limits")
                .returns("Params")
                .handle(ctx -> ctx.json(node.query(LedgerState::params)));
        table.get("/metrics")
                .summary("Prometheus metrics: blocks, transactions, block apply time, mempool, Raft, JVM")
                .returns("Prometheus text format 0.0.4")
                .produces("text/plain")
                .handle(ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(node.metrics().scrape()));
        table.get("/openapi.json")
                .summary("This document: every route of the API")
                .returns("OpenApi")
                .handle(ctx -> ctx.contentType("application/json").result(openApi));
        return table;
    }

    /** Serves one event-stream subscriber, admitted and parsed by the {@code /v1/events} before-handler. */
    private void stream(io.javalin.http.sse.SseClient client) {
        EventStream.Request request = client.ctx().attribute(SUBSCRIPTION);
        EventStream.Subscription place = client.ctx().attribute(PLACE);
        if (request == null || place == null) {
            // Refused before the stream: nothing to serve.
            client.close();
            return;
        }
        try {
            events.serve(client, request.start(), request.types(), place);
        } catch (RuntimeException e) {
            place.close();
            throw e;
        }
    }

    /** The routes the server has registered, as {@code METHOD path}: what {@code /openapi.json} must describe. */
    List<String> registeredRoutes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path)
                .toList();
    }

    /** Serves {@code node}'s API on {@code host:port} (port 0 picks a free one), for a node alone. */
    public static Api start(Node node, String host, int port) {
        return start(node, host, port, Map.of());
    }

    /**
     * Serves {@code node}'s API on {@code host:port}; {@code memberApis} (member id to {@code host:port} of its
     * API) is where a follower sends the transactions it admits, to whichever member leads.
     */
    public static Api start(Node node, String host, int port, Map<String, String> memberApis) {
        return start(node, host, port, memberApis, Limits.defaults());
    }

    /** Serves the API as {@link #start(Node, String, int, Map)} does, with {@code limits}. */
    public static Api start(Node node, String host, int port, Map<String, String> memberApis, Limits limits) {
        Api api = new Api(node, host, port, memberApis, limits);
        api.app.start();
        LOG.info(
                "API limits: {} connections ({} per client), {} event subscribers ({} per client)",
                limits.connections(),
                limits.connectionsPerClient(),
                limits.subscribers(),
                limits.subscribersPerClient());
        return api;
    }

    /** The port the API listens on. */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** How many connections to the API are open. */
    public int openConnections() {
        return connections.open();
    }

    /** How many connections were closed because their request head came too slowly. */
    public long slowHeadsClosed() {
        return slowHeads.closed();
    }

    /** How many event-stream subscribers are being served. */
    public int eventSubscribers() {
        return events.subscribers();
    }

    private void status(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("chainId", node.config().genesis().chainId());
        out.put("nodeId", node.config().id());
        record Head(long height, String hash, long time) {}
        Head head = node.query(s -> {
            LedgerState.Meta m = s.meta();
            return new Head(m.height(), m.blockHashHex(), m.timeMillis());
        });
        out.put("height", head.height);
        out.put("latestBlockHash", head.hash);
        out.put("latestBlockTime", java.time.Instant.ofEpochMilli(head.time).toString());
        // What a client needs to turn heights into times (a run-out height into a date, a duration into blocks).
        out.put("blockIntervalMillis", node.config().blockInterval().toMillis());
        out.put("leader", node.leaderId().orElse(null));
        out.put("isLeader", node.isLeader());
        out.put("term", node.term());
        dev.vyoma.node.membership.Validators.View validators = node.validators().view();
        out.put(
                "peers",
                validators.members().stream()
                        .map(dev.vyoma.node.membership.Validators.Member::id)
                        .toList());
        out.put("validator", validators.standing().name().toLowerCase(java.util.Locale.ROOT));
        out.put("configIndex", validators.configIndex());
        // A node that joined from a snapshot holds the blocks after it only.
        out.put("firstBlockHeight", node.firstBlockHeight());
        out.put("snapshotsInstalled", node.snapshotsInstalled());
        out.put("installedSnapshotHeight", node.installedSnapshotHeight());
        out.put("raftLogStartIndex", node.raftLogStartIndex());
        out.put("mempoolTxs", node.mempool().size());
        out.put("mempoolBytes", node.mempool().bytes());
        ctx.json(out);
    }

    private static long height(String text) {
        try {
            return dev.vyoma.ledger.base.WholeNumber.parse(text, "height", 1, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage() + " (or latest)");
        }
    }

    private void block(Context ctx, long height) {
        Optional<Block> block = node.blocks().block(height);
        Optional<BlockResult> result = node.blocks().result(height);
        if (height < node.blocks().firstHeight()) {
            fail(ctx, 410, null, history(node.blocks().firstHeight()));
            return;
        }
        if (block.isEmpty() || result.isEmpty()) {
            fail(
                    ctx,
                    404,
                    null,
                    "no block at height " + height + "; the latest is "
                            + node.blocks().latestHeight());
            return;
        }
        ctx.json(ApiJson.block(block.get(), result.get()));
    }

    /** Why a height below {@code first} is not here: the node joined from a snapshot. */
    static String history(long first) {
        return "this node joined from a snapshot and holds blocks from height " + first
                + " on; ask a member that holds the whole history";
    }

    private void account(Context ctx) {
        Address address;
        try {
            address = Address.parse(ctx.pathParam("address"));
        } catch (IllegalArgumentException e) {
            fail(ctx, 400, ErrorCode.INVALID_ADDRESS, e.getMessage());
            return;
        }
        Account account = node.query(s -> s.accounts.get(address));
        if (account == null) {
            fail(
                    ctx,
                    404,
                    null,
                    "account " + address + " does not exist yet (it appears when it first receives coins)");
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", account.address());
        out.put("sequence", account.sequence());
        out.put("balances", account.coins());
        ctx.json(out);
    }

    /** Answers {@code status} with the error body: {@code code} (may be null) and the message's first line. */
    static void fail(Context ctx, int status, ErrorCode code, String message) {
        ctx.status(HttpStatus.forStatus(status)).json(ApiJson.error(code, firstLine(message)));
    }

    /**
     * The first line of {@code s}, as an error answer carries it: a message may quote what a client sent (a token of
     * its body, a query parameter), so other control characters are shown as {@code ?} and the line is cut at
     * {@link #MAX_ERROR_MESSAGE_CHARS}.
     */
    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int n = Math.min(line.length(), MAX_ERROR_MESSAGE_CHARS);
        StringBuilder out = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return line.length() > MAX_ERROR_MESSAGE_CHARS ? out.append('…').toString() : out.toString();
    }

    @Override
    public void close() {
        forwarder.close();
        events.close();
        app.stop();
    }
}

package dev.vyoma.provider.runtime;

import dev.vyoma.http.ClientConnections;
import dev.vyoma.http.SlowHeads;
import dev.vyoma.sdl.manifest.HttpOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The provider's HTTP ingress: a request for {@code Host: <id>.ingress.<domain>} goes to the service that
 * {@code <id>} names, as Akash's ingress routes global port-80 services (the devnet domain is {@code localhost},
 * so the URI works in curl and browsers). Requests for unknown hosts get a 404 that says which hosts exist.
 *
 * <p>It is a reverse proxy built on Jetty: Jetty's server parses what clients send (within the limits below), and
 * Jetty's {@link ProxyHandler} passes each request on through a pooled HTTP/1.1 client that notices when a service
 * closes its connections. Each route keeps the service's HTTP options from its manifest, as Akash's ingress does: a
 * request body over {@code maxBodySize} (never more than the SDL's 100 MiB) gets a 413, a service that stays silent
 * for {@code readTimeout} a 504. Bodies are streamed both ways, never held whole: a request body goes to the service
 * as it arrives (a declared length over the limit is refused before a byte of it is read, and a body without one is
 * counted and cut off at the limit), and a response goes to the client as the service writes it (server-sent events
 * work). WebSocket upgrades pass through: after the service's {@code 101} the connection becomes a byte tunnel
 * ({@link WebSocketTunnel}), so subprotocols, extensions and close codes are the service's own.
 *
 * <p>Limits against a stranger's connections (docs/security.md): request line and headers at most
 * {@link #MAX_HEADER_BYTES} bytes and {@link #MAX_HEADER_COUNT} fields (431 beyond), a connection silent for
 * {@link #IDLE_TIMEOUT} is closed (a client that sends its headers a byte at a time cannot hold it longer than its
 * own sending pace allows, and not at all once the per-address cap is reached), and at most
 * {@link #MAX_CONNECTIONS_PER_ADDRESS} open connections per client address (one
 * past it is answered 429 and closed), and a request head must arrive within {@link #HEAD_TIMEOUT} of its first byte.
 */
public final class Ingress implements AutoCloseable {
    /** Largest request line plus headers, in bytes; Jetty answers 431 beyond it. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Most header fields in one request; 431 beyond it. */
    public static final int MAX_HEADER_COUNT = 100;
    /** A client connection with no byte either way for this long is closed (slowloris, idle keep-alive). */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Most open connections from one client address; more are closed as they open. */
    public static final int MAX_CONNECTIONS_PER_ADDRESS = 256;
    /** Largest response head a service may send, in bytes; a bigger one is a 502. */
    public static final int MAX_RESPONSE_HEADER_BYTES = 16 * 1024;
    /** Connections the ingress keeps open to one replica at most. */
    static final int MAX_CONNECTIONS_PER_REPLICA = 128;
    /** The longest a request head (request line and headers) may take to arrive once begun: against slowloris. */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    /** How long a connection opened past its address's cap may wait, saying nothing, before it is closed. */
    private static final Duration OVER_CAP_IDLE = Duration.ofSeconds(1);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final String ROUTE_ATTRIBUTE = Ingress.class.getName() + ".target";

    /**
     * A route's HTTP options (Akash's {@code http_options}): the largest request body and the read timeout. Whatever
     * a manifest says, the body limit is at most the SDL's {@link HttpOptions#MAX_BODY_SIZE} and the timeout at most
     * {@link HttpOptions#MAX_READ_TIMEOUT_MS}; 0 means the default, as in the SDL.
     */
    public record Options(long maxBodyBytes, Duration readTimeout) {
        /** Akash's defaults: 1 MiB, 60 s. */
        public static final Options DEFAULTS =
                new Options(HttpOptions.DEFAULT_MAX_BODY_SIZE, Duration.ofMillis(HttpOptions.DEFAULT_READ_TIMEOUT_MS));

        public Options {
            maxBodyBytes = maxBodyBytes <= 0
                    ? HttpOptions.DEFAULT_MAX_BODY_SIZE
                    : Math.min(maxBodyBytes, HttpOptions.MAX_BODY_SIZE);
            readTimeout = readTimeout == null || readTimeout.isZero() || readTimeout.isNegative()
                    ? Duration.ofMillis(HttpOptions.DEFAULT_READ_TIMEOUT_MS)
                    : readTimeout.compareTo(Duration.ofMillis(HttpOptions.MAX_READ_TIMEOUT_MS)) > 0
                            ? Duration.ofMillis(HttpOptions.MAX_READ_TIMEOUT_MS)
                            : readTimeout;
        }
    }

    /** The connection limits (defaults: the constants above); tests shorten them. */
    record Limits(int headerBytes, int headerCount, Duration idleTimeout, int connectionsPerAddress) {
        static final Limits DEFAULTS =
                new Limits(MAX_HEADER_BYTES, MAX_HEADER_COUNT, IDLE_TIMEOUT, MAX_CONNECTIONS_PER_ADDRESS);
    }

    private record Route(List<Integer> ports, Options options) {}

    /** Where one request goes: the host name it asked for, the replica's port, and the route's options. */
    record Target(String host, int port, Options options) {}

    private final String domain;
    private final Server server;
    private final ServerConnector connector;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final Proxy proxy;

    private final Limits limits;

    private Ingress(String domain, String host, int port, Limits limits) {
        this.limits = limits;
        this.domain = domain.toLowerCase(Locale.ROOT);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("ingress");
        // No reserved threads: they exist to hand a selected connection to a waiting thread, a switch that costs more
        // than it saves when the handlers below never block and there are few cores.
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.headerBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // No acceptor thread: the selector accepts, so a new connection is not handed from one thread to another.
        this.connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(256);
        // The total is the connector's accept queue and thread pool; one address holds at most its share.
        ClientConnections cap =
                new ClientConnections(limits.connectionsPerAddress(), Integer.MAX_VALUE, OVER_CAP_IDLE, "the ingress");
        connector.addEventListener(cap);
        SlowHeads slowHeads =
                new SlowHeads(limits.idleTimeout().compareTo(HEAD_TIMEOUT) < 0 ? limits.idleTimeout() : HEAD_TIMEOUT);
        connector.addEventListener(slowHeads);
        connector.addBean(slowHeads);
        server.addConnector(connector);
        this.proxy = new Proxy();
        proxy.setUseServerThreadPool(true);
        server.setHandler(new Front(proxy, cap));
        server.setStopTimeout(1_000);
    }

    /** Listens on {@code host:port} (0: a free port) for hosts under {@code ingress.<domain>}. */
    public static Ingress start(String host, int port, String domain) throws IOException {
        return start(host, port, domain, Limits.DEFAULTS);
    }

    static Ingress start(String host, int port, String domain, Limits limits) throws IOException {
        Ingress ingress = new Ingress(domain, host, port, limits);
        try {
            ingress.server.start();
        } catch (IOException e) {
            ingress.close();
            throw e;
        } catch (Exception e) {
            ingress.close();
            throw new IOException("the ingress cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return ingress;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The host name a service with {@code id} is reached at. */
    public String hostFor(String id) {
        return id + ".ingress." + domain;
    }

    /** Routes {@code id}'s host to {@code port} on this machine; returns the host name. */
    public String route(String id, int port) {
        return route(id, List.of(port));
    }

    /** Routes {@code id}'s host to the replicas listening on {@code ports}, each request to the next; returns the host. */
    public String route(String id, List<Integer> ports) {
        return route(id, ports, Options.DEFAULTS);
    }

    /** Routes {@code id}'s host to {@code ports}, with the service's HTTP options; returns the host. */
    public String route(String id, List<Integer> ports, Options options) {
        Route old = routes.put(id.toLowerCase(Locale.ROOT), new Route(List.copyOf(ports), options));
        List<Integer> before = old == null ? List.of() : old.ports();
        for (Integer port : before) {
            if (!ports.contains(port)) {
                proxy.closing.remove(port);
            }
        }
        for (Integer port : ports) {
            if (!before.contains(port)) {
                // A replica new on this port: what an earlier one did says nothing about it.
                proxy.closing.remove(port);
            }
        }
        return hostFor(id);
    }

    public void unroute(String id) {
        Route gone = routes.remove(id.toLowerCase(Locale.ROOT));
        if (gone != null) {
            // A port freed here may next be another service's, which may keep its connections open.
            gone.ports().forEach(proxy.closing::remove);
        }
    }

    /** Whether the service on {@code port} was seen closing a connection it had not said it would close. */
    boolean closesConnections(int port) {
        return proxy.closing.contains(port);
    }

    /** Requests sent once more, on a fresh connection, after a pooled one turned out closed. */
    long retries() {
        return proxy.retries.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping closes the listener and every connection; a failure here leaves nothing to undo.
        }
    }

    /** Answers {@code text} with {@code status} (and closes the connection after it when {@code close}). */
    static void plain(Response response, Callback callback, int status, String text, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Routes a request by its host, enforces the header count and the declared body length, and hands it to the
     * WebSocket tunnel or the proxy.
     */
    private final class Front extends Handler.Wrapper {
        private final ClientConnections cap;

        Front(Handler proxy, ClientConnections cap) {
            super(proxy);
            this.cap = cap;
        }

        /**
         * Nothing here blocks (the proxy is asynchronous, a WebSocket upgrade goes to a virtual thread), so Jetty may
         * run a request on the thread that read it rather than hand it to another.
         */
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
            Optional<ClientConnections.Refusal> refused =
                    remote instanceof InetSocketAddress r ? cap.refusal(r) : Optional.empty();
            if (refused.isPresent()) {
                // A connection opened past its address's cap: told why, then closed.
                plain(response, callback, refused.get().status(), refused.get().message() + "\n", true);
                return true;
            }
            int maxCount = limits.headerCount();
            if (request.getHeaders().size() > maxCount) {
                plain(
                        response,
                        callback,
                        431,
                        "the request has " + request.getHeaders().size() + " header fields, over " + maxCount + "\n",
                        true);
                return true;
            }
            String hostHeader = request.getHeaders().get(HttpHeader.HOST);
            String name = hostHeader == null
                    ? ""
                    : hostHeader.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
            String suffix = ".ingress." + domain;
            Route route = name.endsWith(suffix) ? routes.get(name.substring(0, name.length() - suffix.length())) : null;
            if (route == null || route.ports().isEmpty()) {
                plain(
                        response,
                        callback,
                        404,
                        "no service at " + name + "; this provider serves " + routes.size() + " host(s) under *"
                                + suffix + "\n",
                        false);
                return true;
            }
            int port = route.ports()
                    .get(Math.floorMod(turn.getAndIncrement(), route.ports().size()));
            Target target = new Target(name, port, route.options());
            long max = route.options().maxBodyBytes();
            long declared = request.getLength();
            if (declared > max) {
                // Refused from the header alone: not a byte of the body is read.
                plain(
                        response,
                        callback,
                        413,
                        "the request body is " + declared + " bytes, over " + max
                                + " bytes, the service's max_body_size\n",
                        true);
                return true;
            }
            // Waiting for the service is bounded by the route's read timeout, not the connection's idle timeout
            // (which still ends a client that stops sending a body it announced).
            request.addIdleTimeoutListener(timeout -> false);
            if (WebSocketTunnel.isUpgrade(request)) {
                return WebSocketTunnel.handle(request, response, callback, target, cap);
            }
            request.setAttribute(ROUTE_ATTRIBUTE, target);
            return super.handle(new LimitedRequest(request, max), response, callback);
        }
    }

    /** A request whose body fails once more than {@code max} bytes came; the bytes past it are never passed on. */
    private static final class LimitedRequest extends Request.Wrapper {
        private final long max;
        private long count;
        private volatile boolean over;

        LimitedRequest(Request request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk == null || Content.Chunk.isFailure(chunk)) {
                return chunk;
            }
            count += chunk.remaining();
            if (count > max) {
                over = true;
                chunk.release();
                return Content.Chunk.from(new IOException("the request body is over " + max + " bytes"), true);
            }
            return chunk;
        }
    }

    /**
     * Jetty's reverse proxy, aimed at the replica {@link Front} chose, with the route's read timeout. A service that
     * closes a connection after answering without saying so ({@code Connection: close}) is found out when a request
     * meets such a connection in the pool; from then on its requests say {@code Connection: close} themselves, so
     * that each goes on a connection of its own and none meets a closed one.
     */
    private static final class Proxy extends ProxyHandler {
        /** Ports of services seen closing connections they had not said they would close. */
        final java.util.Set<Integer> closing = ConcurrentHashMap.newKeySet();

        final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();

        private static final String RETRIED_ATTRIBUTE = Ingress.class.getName() + ".retried";
        private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS");
        /** Tries on a fresh connection after a pooled one failed (a fresh one cannot have been closed before). */
        private static final int MAX_RETRIES = 1;

        private static int tries(Request request) {
            return request.getAttribute(RETRIED_ATTRIBUTE) instanceof Integer n ? n : 0;
        }

        /**
         * Whether a failed request may go once more, on a connection of its own: a bodiless GET, HEAD or OPTIONS that
         * failed before the service answered a byte, not for a timeout, and not on such a connection already.
         */
        private static boolean retriable(
                Request request, org.eclipse.jetty.client.Response fromService, Throwable failure) {
            return tries(request) < MAX_RETRIES
                    && IDEMPOTENT.contains(request.getMethod())
                    && request.getLength() <= 0
                    && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)
                    && (fromService == null || fromService.getStatus() == 0)
                    && !(failure instanceof TimeoutException);
        }

        /** Asynchronous all through: see {@link Front#getInvocationType()}. */
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        protected HttpClient newHttpClient() {
            ClientConnector connector = new ClientConnector();
            connector.setConnectTimeout(CONNECT_TIMEOUT);
            connector.setIdleTimeout(IDLE_TIMEOUT);
            HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
            // The proxy's response listeners only pass bytes on asynchronously: the service's answer is handled on
            // the thread that read it, not handed to another.
            transport.setInvocationType(InvocationType.NON_BLOCKING);
            HttpClient client = new HttpClient(transport);
            client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_REPLICA);
            client.setMaxResponseHeadersSize(MAX_RESPONSE_HEADER_BYTES);
            client.setUserAgentField(null);
            // Every replica is at 127.0.0.1, which needs no lookup: resolved where it is asked for, not on another
            // thread with a timer (the default, for names that need DNS), which cost a hand-off per new connection.
            client.setSocketAddressResolver(new SocketAddressResolver.Sync());
            return client;
        }

        @Override
        protected HttpURI rewriteHttpURI(Request request) {
            Target target = (Target) request.getAttribute(ROUTE_ATTRIBUTE);
            return HttpURI.build(request.getHttpURI())
                    .scheme("http")
                    .host("127.0.0.1")
                    .port(target.port())
                    .asImmutable();
        }

        @Override
        protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI uri) {
            Target target = (Target) request.getAttribute(ROUTE_ATTRIBUTE);
            // Between bytes from the service: Akash's proxy_read_timeout, not a bound on a whole stream.
            return super.newProxyToServerRequest(request, uri)
                    .idleTimeout(target.options().readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request toService) {
            super.addProxyHeaders(request, toService);
            Target target = (Target) request.getAttribute(ROUTE_ATTRIBUTE);
            String from = Request.getRemoteAddr(request);
            toService.headers(h -> {
                h.put("X-Forwarded-Host", target.host())
                        .put("X-Forwarded-For", from)
                        .put("X-Forwarded-Proto", "http");
                if (closing.contains(target.port())) {
                    h.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
            });
        }

        /** A first try takes a pooled connection; a retry opens its own, used once and closed. */
        @Override
        protected void sendProxyToServerRequest(
                Request request, org.eclipse.jetty.client.Request toService, Response response, Callback callback) {
            if (tries(request) == 0) {
                super.sendProxyToServerRequest(request, toService, response, callback);
                return;
            }
            org.eclipse.jetty.client.Response.CompleteListener listener =
                    newServerToProxyResponseListener(request, toService, response, callback);
            getHttpClient()
                    .resolveDestination(toService)
                    .newConnection(org.eclipse.jetty.util.Promise.from(
                            connection -> {
                                toService.onComplete(result -> connection.close());
                                connection.send(toService, listener);
                            },
                            failure -> onServerToProxyResponseFailure(
                                    request, toService, null, response, callback, failure)));
        }

        @Override
        protected void onServerToProxyResponseFailure(
                Request request,
                org.eclipse.jetty.client.Request toService,
                org.eclipse.jetty.client.Response fromService,
                Response response,
                Callback callback,
                Throwable failure) {
            if (response.isCommitted()) {
                callback.failed(failure);
                return;
            }
            Target target = (Target) request.getAttribute(ROUTE_ATTRIBUTE);
            if (retriable(request, fromService, failure)) {
                // A pooled connection the service closed just as it was reused (a server that closes after each
                // answer without saying so): nothing reached the service's application, so a fresh try is safe.
                // Its next requests ask for the close themselves.
                closing.add(target.port());
                retries.incrementAndGet();
                request.setAttribute(RETRIED_ATTRIBUTE, tries(request) + 1);
                handle(request, response, callback);
                return;
            }
            response.reset();
            if (request instanceof LimitedRequest limited && limited.over) {
                plain(
                        response,
                        callback,
                        413,
                        "the request body is over " + limited.max + " bytes, the service's max_body_size\n",
                        true);
            } else if (failure instanceof TimeoutException) {
                plain(
                        response,
                        callback,
                        504,
                        "the service at " + target.host() + " did not answer within "
                                + target.options().readTimeout().toSeconds() + " s\n",
                        false);
            } else {
                plain(
                        response,
                        callback,
                        502,
                        "the service at " + target.host() + " does not answer ("
                                + failure.getClass().getSimpleName() + ")\n",
                        false);
            }
        }
    }
}

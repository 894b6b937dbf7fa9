package dev.vyoma.provider.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vyoma.sdl.manifest.HttpOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The provider's HTTP ingress: a request for {@code Host: <id>.ingress.<domain>} goes to the service that
 * {@code <id>} names, as Akash's ingress routes global port-80 services (the devnet domain is {@code localhost},
 * so the URI works in curl and browsers). Requests for unknown hosts get a 404 that says which hosts exist.
 * Each route keeps the service's HTTP options from its manifest, as Akash's ingress does: a request body over
 * {@code maxBodySize} (never more than the SDL's 100 MiB) gets a 413, a service that does not answer within
 * {@code readTimeout} a 504. Bodies are streamed both ways, never held whole: a request body goes to the service as
 * it arrives (a declared length over the limit is refused before a byte of it is read, and a body without one is
 * counted and cut off at the limit), and a response goes to the client as the service writes it (server-sent events
 * work). So what one request costs the provider is a few buffers, whatever its size.
 */
public final class Ingress implements AutoCloseable {
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

    private record Route(List<Integer> ports, Options options) {}

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "te",
            "trailer");

    private final String domain;
    private final HttpServer server;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();

    private Ingress(String domain, HttpServer server) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.server = server;
    }

    /** Listens on {@code host:port} (0: a free port) for hosts under {@code ingress.<domain>}. */
    public static Ingress start(String host, int port, String domain) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 256);
        Ingress ingress = new Ingress(domain, s);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ingress::handle);
        s.start();
        return ingress;
    }

    public int port() {
        return server.getAddress().getPort();
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
        routes.put(id.toLowerCase(Locale.ROOT), new Route(List.copyOf(ports), options));
        return hostFor(id);
    }

    public void unroute(String id) {
        routes.remove(id.toLowerCase(Locale.ROOT));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String host = ex.getRequestHeaders().getFirst("Host");
            String name = host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
            String suffix = ".ingress." + domain;
            Route route = name.endsWith(suffix) ? routes.get(name.substring(0, name.length() - suffix.length())) : null;
            List<Integer> targets = route == null ? List.of() : route.ports();
            if (targets.isEmpty()) {
                byte[] body = ("no service at " + name + "; this provider serves " + routes.size() + " host(s) under *"
                                + suffix + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(404, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            int target = targets.get(Math.floorMod(turn.getAndIncrement(), targets.size()));
            long max = route.options().maxBodyBytes();
            long declared;
            try {
                declared = declaredLength(ex);
            } catch (NumberFormatException e) {
                plain(ex, 400, "Content-Length is not a number of bytes\n");
                return;
            }
            if (declared > max) {
                // Refused from the header alone: not a byte of the body is read.
                ex.getResponseHeaders().set("Connection", "close");
                plain(
                        ex,
                        413,
                        "the request body is " + declared + " bytes, over " + max
                                + " bytes, the service's max_body_size\n");
                return;
            }
            boolean chunked = "chunked"
                    .equalsIgnoreCase(String.valueOf(ex.getRequestHeaders().getFirst("Transfer-Encoding"))
                            .strip());
            LimitedBody body = new LimitedBody(ex.getRequestBody(), max);
            HttpRequest.BodyPublisher publisher;
            if (declared == 0 || (declared < 0 && !chunked)) {
                publisher = HttpRequest.BodyPublishers.noBody();
            } else if (declared > 0) {
                publisher = HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body), declared);
            } else {
                publisher = HttpRequest.BodyPublishers.ofInputStream(() -> body);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + target + ex.getRequestURI()))
                    .timeout(route.options().readTimeout())
                    .method(ex.getRequestMethod(), publisher);
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    for (String v : h.getValue()) {
                        b.header(h.getKey(), v);
                    }
                }
            }
            b.header("X-Forwarded-Host", name);
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                plain(
                        ex,
                        504,
                        "the service at " + name + " did not answer within "
                                + route.options().readTimeout().toSeconds() + " s\n");
                return;
            } catch (IOException e) {
                if (body.over()) {
                    ex.getResponseHeaders().set("Connection", "close");
                    plain(ex, 413, "the request body is over " + max + " bytes, the service's max_body_size\n");
                } else {
                    plain(ex, 502, "the service at " + name + " does not answer\n");
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(503, -1);
                return;
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    for (String v : vs) {
                        ex.getResponseHeaders().add(k, v);
                    }
                }
            });
            long length = r.headers().firstValueAsLong("content-length").orElse(-2);
            boolean empty = length == 0
                    || ex.getRequestMethod().equals("HEAD")
                    || r.statusCode() == 204
                    || r.statusCode() == 304;
            // A known length is passed on; otherwise chunked, flushed as the service writes.
            ex.sendResponseHeaders(r.statusCode(), empty ? -1 : length > 0 ? length : 0);
            try (InputStream in = r.body();
                    OutputStream out = ex.getResponseBody()) {
                if (!empty) {
                    byte[] buf = new byte[16 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            }
        }
    }

    /** The request's Content-Length, or -1 without one. */
    private static long declaredLength(HttpExchange ex) {
        String v = ex.getRequestHeaders().getFirst("Content-Length");
        if (v == null) {
            return -1;
        }
        long n = Long.parseLong(v.strip());
        if (n < 0) {
            throw new NumberFormatException(v);
        }
        return n;
    }

    /**
     * A request body passed on as it is read, which fails once more than {@code max} bytes came: the bytes past the
     * limit are never read, let alone kept.
     */
    private static final class LimitedBody extends InputStream {
        private final InputStream in;
        private final long max;
        private long count;
        private volatile boolean over;

        LimitedBody(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        boolean over() {
            return over;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // One byte more than allowed is read, to know the body goes past the limit.
            int n = in.read(b, off, (int) Math.min(len, max + 1 - count));
            if (n > 0) {
                count += n;
                if (count > max) {
                    over = true;
                    throw new IOException("the request body is over " + max + " bytes");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static void plain(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.vyoma.console;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.http.HttpLimits;
import dev.vyoma.http.ServerGuard;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The console's HTTP server: pages rendered from templates precompiled at build time, htmx, its SSE extension and
 * xterm.js from their webjars, every request through the {@link Guard}. It listens on loopback unless told
 * otherwise, and on any other address only with TLS ({@link Settings#tls}); it holds no secret but the keys unlocked
 * in its {@link Wallet}, which no page ever shows.
 */
public final class ConsoleServer implements AutoCloseable {
    /** Where and how the console serves, and what it talks to. */
    public record Settings(
            String node,
            Path home,
            Keyring.Backend backend,
            String host,
            int port,
            Optional<Tls> tls,
            Optional<String> statsUrl,
            Optional<Path> prices,
            Optional<Path> templates) {}

    /**
     * A PKCS#12 key store with the server's certificate and key, and its password. The password is copied in and
     * out, compared by content, and never printed.
     */
    // The overrides below give the password value semantics; a char[] is what KeyStore.load takes.
    @SuppressWarnings("ArrayRecordComponent")
    public record Tls(Path keyStore, char[] password) {
        public Tls {
            Objects.requireNonNull(keyStore, "keyStore");
            password = Objects.requireNonNull(password, "password").clone();
        }

        /** A copy of the password. */
        @Override
        public char[] password() {
            return password.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Tls that
                    && keyStore.equals(that.keyStore)
                    && Arrays.equals(password, that.password);
        }

        @Override
        public int hashCode() {
            return 31 * keyStore.hashCode() + Arrays.hashCode(password);
        }

        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", password=redacted]";
        }
    }

    /** A console that cannot start, with what to change. */
    public static final class StartException extends RuntimeException {
        StartException(String message) {
            super(message);
        }
    }

    /** Largest request body: an SDL form field, URL-encoded (up to three bytes a byte), with the others. */
    static final long MAX_REQUEST_BYTES = 3L * dev.vyoma.sdl.SdlLimits.DEFAULT.maxBytes() + 16 * 1024;

    /** Connection limits: one user's browser, a few tabs. */
    static final HttpLimits LIMITS = new HttpLimits(
            64, 32, Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(2), 16 * 1024, 64);

    private static final Map<String, String[]> ASSETS = Map.of(
            "htmx.min.js", new String[] {"htmx.org", "dist/htmx.min.js", "text/javascript"},
            "sse.js", new String[] {"htmx-ext-sse", "sse.js", "text/javascript"},
            "xterm.js", new String[] {"xterm", "lib/xterm.js", "text/javascript"},
            "xterm.css", new String[] {"xterm", "css/xterm.css", "text/css"},
            "console.css", new String[] {null, "console.css", "text/css"},
            "shell.js", new String[] {null, "shell.js", "text/javascript"});

    private final Javalin app;
    private final Guard guard;
    private final String url;

    private ConsoleServer(Settings s) {
        boolean loopback = isLoopback(s.host());
        if (!loopback && s.tls().isEmpty()) {
            throw new StartException("--listen " + s.host() + ":" + s.port() + " is not a loopback address: the"
                    + " console then serves only over TLS; give --tls-keystore FILE (PKCS#12), or listen on"
                    + " 127.0.0.1");
        }
        KeyStore keys = s.tls().map(ConsoleServer::keyStore).orElse(null);
        Set<String> hosts = new LinkedHashSet<>();
        int port = s.port() == 0 ? freePort(s.host()) : s.port();
        hosts.add(authority(s.host(), port));
        if (loopback) {
            hosts.add("localhost:" + port);
            hosts.add("127.0.0.1:" + port);
            hosts.add("[::1]:" + port);
        }
        this.guard = new Guard(new SecureRandom(), hosts, keys != null);
        VyomaClient chain = new VyomaClient(s.node());
        Wallet wallet = new Wallet(Keyring.open(s.home(), s.backend()));
        Gallery gallery = s.templates().map(Gallery::of).orElseGet(Gallery::bundled);
        Prices prices;
        try {
            prices = s.prices().isPresent() ? Prices.of(s.prices().get()) : Prices.faceValueOnly();
        } catch (IOException | IllegalArgumentException e) {
            throw new StartException("--prices: " + e.getMessage());
        }
        Market market = new Market(chain, s.statsUrl(), prices);
        Deployments deployments = new Deployments(chain);
        Renderer renderer = new Renderer(guard, chain, s.node());
        Routes routes = new Routes(renderer, wallet, gallery, market, deployments, s.statsUrl());
        LiveStreams live = new LiveStreams(wallet, deployments);
        ServerGuard limits = new ServerGuard(LIMITS, "the console");
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            if (keys == null) {
                limits.install(cfg, s.host(), port);
            } else {
                cfg.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(keys);
                    ssl.setKeyStorePassword(new String(s.tls().get().password()));
                    HttpConfiguration https = new HttpConfiguration(http);
                    https.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector c = new ServerConnector(
                            server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
                    c.setHost(s.host());
                    c.setPort(port);
                    c.setIdleTimeout(LIMITS.idleTimeout().toMillis());
                    return c;
                });
            }
            cfg.routes.before(ctx -> {
                // Nothing the console sends may be cached, framed or sniffed, and no script but its own runs.
                ctx.header("Cache-Control", "no-store");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "same-origin");
                ctx.header(
                        "Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self';"
                                + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
                guard.check(ctx);
                if (ctx.attribute("vyoma.tokenExchanged") != null) {
                    renderer.signedIn(ctx, ctx.path().equals("/") ? "/accounts" : ctx.path());
                    ctx.skipRemainingHandlers();
                }
            });
            cfg.routes.get("/assets/{name}", ConsoleServer::asset);
            routes.install(cfg.routes);
            cfg.routes.wsBeforeUpgrade("/d/{owner}/{dseq}/shell", guard::checkUpgrade);
            cfg.routes.ws("/d/{owner}/{dseq}/shell", live::shell);
            cfg.routes.sse("/d/{owner}/{dseq}/logs/stream", live::logs);
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> renderer.error(ctx, e.getStatus(), e));
            cfg.routes.exception(Exception.class, (e, ctx) -> renderer.error(ctx, 500, e));
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    renderer.error(ctx, 404, new HttpResponseException(404, "No such page."));
                }
            });
        });
        this.url = (keys == null ? "http://" : "https://") + authority(s.host(), port) + "/?" + Guard.TOKEN_PARAM + "="
                + guard.sessionToken();
    }

    /** Starts a console with {@code settings}; refuses a non-loopback address without TLS. */
    public static ConsoleServer start(Settings settings) {
        ConsoleServer c = new ConsoleServer(settings);
        try {
            c.app.start();
        } catch (RuntimeException e) {
            throw new StartException(
                    "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
        }
        return c;
    }

    /** The URL to open: the console's address with the session token. */
    public String url() {
        return url;
    }

    /** The port it listens on. */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** Whether {@code host} is a loopback address (a name is resolved; one that does not resolve is not). */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host.replaceAll("^\\[|\\]$", ""));
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String authority(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return h.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** A free port on {@code host}, so that the URL (and the hosts the guard accepts) is known before starting. */
    private static int freePort(String host) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new StartException("cannot listen on " + host + ": " + e.getMessage());
        }
    }

    private static KeyStore keyStore(Tls tls) {
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, tls.password());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartException("--tls-keystore " + tls.keyStore() + ": " + e.getMessage()
                    + " (a PKCS#12 file; its password in VYOMA_CONSOLE_TLS_PASSWORD)");
        }
    }

    private static void asset(Context ctx) throws IOException {
        String[] a = ASSETS.get(ctx.pathParam("name"));
        if (a == null) {
            throw new HttpResponseException(404, "No such file.");
        }
        String path = a[0] == null
                ? "/dev/vyoma/console/static/" + a[1]
                : "/META-INF/resources/webjars/" + a[0] + "/" + webjarVersion(a[0]) + "/" + a[1];
        InputStream in = ConsoleServer.class.getResourceAsStream(path);
        if (in == null) {
            throw new HttpResponseException(404, "No such file.");
        }
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.contentType(a[2] + "; charset=utf-8").result(in);
    }

    private static String webjarVersion(String artifact) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new HttpResponseException(404, "No such file.");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }

    /** Renders the precompiled templates. */
    static TemplateEngine templates() {
        return TemplateEngine.createPrecompiled(null, ContentType.Html, null, "dev.vyoma.console");
    }

    static String render(TemplateEngine engine, String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(name + ".jte", params, out);
        return out.toString();
    }
}

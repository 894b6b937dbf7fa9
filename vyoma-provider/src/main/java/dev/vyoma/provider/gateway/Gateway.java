package dev.vyoma.provider.gateway;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.TlsCertificate;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.http.ClientConnections;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestVersion;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider's HTTPS gateway for tenants. {@code PUT /v1/leases/OWNER/DSEQ/GSEQ/OSEQ/manifest} takes a lease's
 * manifest (Akash's manifest JSON, as {@code vyoma sdl manifest -o json} prints it) only from the lease's owner
 * (a {@link LeaseToken} in {@code Authorization: Bearer}, addressed to this provider and not expired), only for
 * an active lease of this provider, and only if the manifest's version hash is the deployment's version on the
 * chain. {@code GET …/status} says what the provider holds for the lease. Every refusal is a 4xx with a reason;
 * none of them touches a running lease.
 *
 * <p>The lease in the path is parsed once, at the edge, into a typed id with this provider's address (each number in
 * its one canonical spelling: {@code 070} is refused, not read as 70); that id alone names the lease from then on:
 * it builds the node's URL, keys the stored manifest and the running services, and the lease the chain answers
 * must be exactly it before anything runs.
 *
 * <p>{@code GET …/shell}, upgraded to a WebSocket, runs a command in one of the lease's replicas ({@link ShellRoute},
 * held to {@link ShellLimits}), after the same checks.
 *
 * <p>Streams cannot crowd out the rest ({@link Limits}): the gateway serves on a bounded pool of threads, of which
 * log followers may hold only a share, capped per token, per lease and per owner (429 past a tenant's cap, 503 past
 * the gateway's); a followed stream carries a heartbeat, so a follower that left is noticed within two heartbeats
 * even when the lease writes nothing, and its place is free again.
 */
public final class Gateway implements AutoCloseable {
    /** A connection opened past its client's cap that sends nothing is closed after this. */
    public static final Duration OVER_CAP_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /** Largest manifest accepted. */
    public static final long MAX_MANIFEST_BYTES = 1 << 20;

    /**
     * How much the gateway serves at once: its threads and connections, and the log followers it admits, with the
     * heartbeat that finds followers who left. {@link #DEFAULTS} is what a provider runs with; tests use smaller.
     */
    public record Limits(
            int threads,
            int connections,
            int connectionsPerClient,
            Duration idleTimeout,
            int followers,
            int followersPerOwner,
            int followersPerLease,
            int followersPerToken,
            Duration heartbeat) {
        /** Threads serving requests (Jetty's pool): followers hold at most {@link #MAX_FOLLOWERS} of them. */
        public static final int MAX_THREADS = 200;
        /** Open connections; past it the gateway stops accepting until one closes (the kernel's queue waits). */
        public static final int MAX_CONNECTIONS = 1_024;
        /** Open connections from one remote address (429 past it, and the connection closed). */
        public static final int MAX_CONNECTIONS_PER_CLIENT = 64;
        /** A connection with nothing to read or write for this long is closed. */
        public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
        /** Log followers served at once, over all leases (503 past it). */
        public static final int MAX_FOLLOWERS = 64;
        /** Log followers of the leases of one owner (429 past it). */
        public static final int MAX_FOLLOWERS_PER_OWNER = 16;
        /** Log followers of one lease (429 past it). */
        public static final int MAX_FOLLOWERS_PER_LEASE = 8;
        /** Log followers with one token (429 past it). */
        public static final int MAX_FOLLOWERS_PER_TOKEN = 4;
        /** How often a followed stream with nothing to say writes an empty line, to find a client that left. */
        public static final Duration HEARTBEAT = Duration.ofSeconds(2);
        /** Threads followers can never take: Jetty's acceptor and selector, and the other routes' requests. */
        public static final int MIN_OTHER_THREADS = 8;

        /** The limits a provider runs with. */
        public static final Limits DEFAULTS = new Limits(
                MAX_THREADS,
                MAX_CONNECTIONS,
                MAX_CONNECTIONS_PER_CLIENT,
                IDLE_TIMEOUT,
                MAX_FOLLOWERS,
                MAX_FOLLOWERS_PER_OWNER,
                MAX_FOLLOWERS_PER_LEASE,
                MAX_FOLLOWERS_PER_TOKEN,
                HEARTBEAT);

        public Limits {
            if (connections < 1
                    || connectionsPerClient < 1
                    || followersPerOwner < 1
                    || followersPerLease < 1
                    || followersPerToken < 1) {
                throw new IllegalArgumentException("gateway limits must be positive");
            }
            if (followers < 1 || threads - followers < MIN_OTHER_THREADS) {
                throw new IllegalArgumentException("followers (" + followers + ") must leave at least "
                        + MIN_OTHER_THREADS + " of the " + threads + " threads to the other routes");
            }
            if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(idleTimeout) >= 0) {
                throw new IllegalArgumentException("the heartbeat must be positive and shorter than the idle timeout");
            }
        }
    }

    /** How long one follow lasts at most; then the client reconnects. */
    public static final Duration MAX_FOLLOW = Duration.ofHours(1);

    /** Most lines a tenant may ask for with {@code tail}. */
    public static final int MAX_TAIL_LINES = 10_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final VyomaClient chain;
    private final Address me;
    private final Path manifests;
    private final Clock clock;
    private final Javalin app;
    private final TlsCertificate certificate;
    private final Followers followers;
    private final ClientConnections connections;
    private final ShellRoute shells;
    private final LogRoute logs;
    private volatile Leases leases;

    /** What the gateway hands accepted manifests to, and asks for a lease's status. */
    public interface Leases {
        /** Runs {@code group}, the lease's group of a manifest the gateway read and checked. */
        void deploy(String lease, ManifestGroup group) throws IOException;

        Map<String, Object> status(String lease);

        /**
         * Writes the lease's output lines until {@code stop} says so (or, not following, at the end); following, it
         * asks {@code stop} at least every second, which is when the gateway writes its heartbeat.
         */
        void logs(
                String lease,
                dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest request,
                java.util.function.Consumer<String> line,
                java.util.function.BooleanSupplier stop)
                throws IOException, InterruptedException;

        List<?> events(String lease);

        /** A command to run in one of the lease's replicas (see {@link dev.vyoma.provider.runtime.WorkloadRuntime#shell}). */
        dev.vyoma.provider.runtime.Shell shell(String lease, dev.vyoma.provider.runtime.Shell.Request request)
                throws dev.vyoma.provider.runtime.Shell.Refused, IOException;
    }

    private volatile java.util.function.Supplier<Map<String, Object>> providerStatus = Map::of;

    /** Sets what {@code GET /v1/status} reports: the provider's capacity (public, as Akash's provider status is). */
    public void reportStatusWith(java.util.function.Supplier<Map<String, Object>> status) {
        this.providerStatus = status;
    }

    /** Sets where accepted manifests go (the lease manager). */
    public void runLeasesWith(Leases l) {
        this.leases = l;
    }

    private Gateway(
            VyomaClient chain,
            Address me,
            Path manifests,
            Clock clock,
            TlsCertificate certificate,
            String host,
            int port,
            Limits limits,
            ShellLimits shellLimits)
            throws GeneralSecurityException, IOException {
        this.shells = new ShellRoute(this::authorize, () -> leases, shellLimits);
        this.followers = new Followers(limits);
        this.logs = new LogRoute(this::authorize, () -> leases, followers, limits);
        // The total is the connector's (NetworkConnectionLimit): past it the gateway accepts nothing more.
        this.connections = new ClientConnections(
                limits.connectionsPerClient(), Integer.MAX_VALUE, OVER_CAP_IDLE_TIMEOUT, "the gateway");
        this.chain = chain;
        this.me = me;
        this.manifests = manifests;
        this.clock = clock;
        this.certificate = certificate;
        Files.createDirectories(manifests);
        KeyStore keys = keyStore(certificate);
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(JSON, false));
            cfg.http.maxRequestSize = MAX_MANIFEST_BYTES;
            cfg.startup.showJavalinBanner = false;
            // A pool of its own size: followers hold at most limits.followers() of its threads.
            QueuedThreadPool pool = new QueuedThreadPool(limits.threads(), Math.min(8, limits.threads()));
            pool.setName("gateway");
            pool.setReservedThreads(0);
            cfg.jetty.threadPool = pool;
            cfg.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keys);
                ssl.setKeyStorePassword("");
                HttpConfiguration https = new HttpConfiguration(http);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                https.addCustomizer(secure);
                ServerConnector c = new ServerConnector(
                        server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout(limits.idleTimeout().toMillis());
                c.addBean(new NetworkConnectionLimit(limits.connections(), c));
                c.addEventListener(connections);
                return c;
            });
            // First of all: a connection opened past its client's cap gets its refusal, and is closed.
            cfg.routes.before(connections::refuseOverCap);
            cfg.routes.get("/v1/status", ctx -> ctx.json(providerStatus.get()));
            cfg.routes.put("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/manifest", this::manifest);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/status", this::status);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/logs", logs::serve);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/events", this::events);
            cfg.routes.wsBeforeUpgrade("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/shell", shells::beforeUpgrade);
            cfg.routes.ws("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/shell", shells::configure);
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, e.getStatus(), e.getMessage()));
            cfg.routes.exception(
                    VyomaClient.NodeException.class,
                    (e, ctx) -> fail(ctx, 502, "the provider cannot check the lease on the chain: " + e.getMessage()));
            cfg.routes.exception(
                    Exception.class,
                    (e, ctx) -> fail(
                            ctx, 500, "the provider failed: " + e.getClass().getSimpleName()));
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    fail(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    /** Serves the gateway over HTTPS on {@code host:port} (0: a free port) with a certificate made for {@code host}. */
    public static Gateway start(VyomaClient chain, Address me, Path state, Clock clock, String host, int port)
            throws GeneralSecurityException, IOException {
        return start(chain, me, state, clock, host, port, Limits.DEFAULTS);
    }

    /** Serves the gateway as {@link #start(VyomaClient, Address, Path, Clock, String, int)} does, with {@code limits}. */
    public static Gateway start(
            VyomaClient chain, Address me, Path state, Clock clock, String host, int port, Limits limits)
            throws GeneralSecurityException, IOException {
        return start(chain, me, state, clock, host, port, limits, ShellLimits.DEFAULTS);
    }

    /** Serves the gateway with {@code limits}, and lease shells held to {@code shellLimits}. */
    public static Gateway start(
            VyomaClient chain,
            Address me,
            Path state,
            Clock clock,
            String host,
            int port,
            Limits limits,
            ShellLimits shellLimits)
            throws GeneralSecurityException, IOException {
        TlsCertificate cert = TlsCertificate.create(me, java.util.List.of(host, "localhost"));
        Gateway g = new Gateway(chain, me, state.resolve("manifests"), clock, cert, host, port, limits, shellLimits);
        g.app.start();
        return g;
    }

    /** The port the gateway listens on. */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** The gateway's certificate and keys. */
    public TlsCertificate certificate() {
        return certificate;
    }

    /** The gateway's certificate (PEM), which clients pin. */
    public String certificatePem() {
        return certificate.certPem();
    }

    /** The manifest JSON stored for a lease, if it was accepted. */
    public Optional<String> manifest(String lease) throws IOException {
        Path f = manifests.resolve(lease.replace('/', '_') + ".json");
        return Files.exists(f) ? Optional.of(Files.readString(f)) : Optional.empty();
    }

    /**
     * The lease the path names, with this provider: {@code OWNER/DSEQ/GSEQ/OSEQ} parsed by the ledger's own parser,
     * or a 400 that says what the id must look like.
     */
    private BidId lease(Context ctx) {
        try {
            return new BidId(
                    OrderId.parse(
                            ctx.pathParam("owner"),
                            ctx.pathParam("dseq"),
                            ctx.pathParam("gseq"),
                            ctx.pathParam("oseq")),
                    me);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, "the path is /v1/leases/" + OrderId.FORM + "/…; " + e.getMessage());
        }
    }

    /**
     * The lease, after checking the token and that the chain has exactly this lease, with this provider, active.
     */
    private BidId authorize(Context ctx) {
        BidId lease = lease(ctx);
        LeaseToken.Claims claims;
        try {
            claims = LeaseToken.verify(bearer(ctx), me, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(401, e.getMessage());
        }
        Address owner = lease.deployment().owner();
        if (!claims.owner().equals(owner)) {
            throw new HttpResponseException(403, "the lease belongs to " + owner + ", the token to " + claims.owner());
        }
        BidId claimed;
        try {
            claimed = BidId.parse(claims.lease());
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(401, "the token's lease is not a lease id: " + e.getMessage());
        }
        if (!claimed.equals(lease)) {
            throw new HttpResponseException(403, "the token is for lease " + claimed + ", not " + lease);
        }
        // Built from the typed id, and checked by the client to be exactly this lease (this provider's).
        JsonNode l = chain.lease(lease)
                .orElseThrow(() -> new HttpResponseException(404, "no lease " + lease + " with this provider"));
        if (!l.path("state").asString().equals("active")) {
            throw new HttpResponseException(
                    409,
                    "lease " + lease + " is "
                            + WholeNumber.shown(l.path("state").asString()) + ", not active");
        }
        return lease;
    }

    /** The token in {@code Authorization: Bearer}, or a 401 that says how to send one. */
    static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw new HttpResponseException(
                    401, "send Authorization: Bearer <lease token signed by the lease's owner>");
        }
        return header.substring(7).strip();
    }

    private void manifest(Context ctx) throws IOException {
        BidId id = authorize(ctx);
        String lease = id.toString();
        JsonNode deployment = chain.deployment(id.deployment())
                .orElseThrow(() -> new HttpResponseException(404, "no deployment for lease " + lease));
        // Read once, here, into the typed manifest; the check below and the runtime read only that.
        byte[] body = ctx.bodyAsBytes();
        Manifest manifest;
        try {
            manifest = ManifestReader.read(body);
        } catch (InvalidManifestException e) {
            throw new HttpResponseException(
                    switch (e.problem()) {
                        case TOO_LARGE -> 413;
                        case NOT_JSON -> 400;
                        case INVALID -> 422;
                    },
                    e.getMessage());
        }
        String version = manifest.version().hex();
        String expected = deployment.path("versionHex").asString();
        if (!version.equals(expected)) {
            throw new HttpResponseException(
                    422,
                    "the manifest's version is " + version + " but the deployment on the chain has " + expected
                            + "; send the manifest of the SDL the deployment was made from (or update the deployment)");
        }
        // The manifest covers the whole deployment; this lease runs its own group, which must be what it pays for.
        dev.vyoma.ledger.deployment.GroupId gid = new dev.vyoma.ledger.deployment.GroupId(
                new dev.vyoma.ledger.deployment.DeploymentId(
                        Address.parse(ctx.pathParam("owner")), Long.parseLong(ctx.pathParam("dseq"))),
                Integer.parseInt(ctx.pathParam("gseq")));
        dev.vyoma.sdl.spec.GroupSpec spec = chain.group(gid)
                .orElseThrow(() -> new HttpResponseException(404, "no group " + gid))
                .spec();
        // Group names are unique in a read manifest: this is the one group the lease runs.
        ManifestGroup mine = manifest.group(spec.name())
                .orElseThrow(() ->
                        new HttpResponseException(422, "the manifest has no group " + spec.name() + " for this lease"));
        ManifestCheck.againstGroup(mine, spec).ifPresent(problem -> {
            throw new HttpResponseException(422, problem);
        });
        // A file named from the lease id stays in the manifests directory, whatever the id holds.
        Path root = manifests.toAbsolutePath().normalize();
        Path f = root.resolve(lease.replace('/', '_') + ".json").normalize();
        if (!root.equals(f.getParent())) {
            throw new HttpResponseException(400, "lease " + lease + " is not a lease id");
        }
        // Readable by the provider's user only: a manifest may hold registry credentials.
        dev.vyoma.client.SecretFiles.write(f, body);
        Leases l = leases;
        if (l != null) {
            l.deploy(lease, mine);
        }
        ctx.status(202).json(Map.of("lease", lease, "status", "accepted", "version", version));
    }

    private void status(Context ctx) throws IOException {
        String lease = authorize(ctx).toString();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lease", lease);
        Optional<String> held = manifest(lease);
        out.put("manifest", held.isPresent() ? "accepted" : "missing");
        if (held.isPresent()) {
            // The services run the manifest last accepted: deploying it happens before the PUT answers.
            out.put(
                    "version",
                    ManifestVersion.ofCanonicalJson(JsonWriter.canonical(JSON.readValue(held.get(), Object.class)))
                            .hex());
        }
        Leases st = leases;
        if (st != null) {
            out.putAll(st.status(lease));
        }
        ctx.json(out);
    }

    /** How many connections to the gateway are open. */
    public int openConnections() {
        return connections.open();
    }

    /** How many lease shells the gateway has open now. */
    public int openShells() {
        return shells.open();
    }

    /** How many log followers the gateway is serving now. */
    public int followers() {
        return followers.total();
    }

    /** {@code GET …/events}: what happened to the lease on this provider. */
    private void events(Context ctx) {
        String lease = authorize(ctx).toString();
        Leases l = leases;
        ctx.json(Map.of("lease", lease, "events", l == null ? List.of() : l.events(lease)));
    }

    private static void fail(Context ctx, int status, String message) {
        ctx.status(status)
                .json(Map.of(
                        "error",
                        Map.of(
                                "message",
                                message == null
                                        ? ""
                                        : message.lines().findFirst().orElse(""))));
    }

    private static KeyStore keyStore(TlsCertificate cert) throws GeneralSecurityException, IOException {
        Certificate x509 = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.certPem().getBytes(StandardCharsets.US_ASCII)));
        String body = cert.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("gateway", key, new char[0], new Certificate[] {x509});
        return ks;
    }

    @Override
    public void close() {
        shells.close();
        app.stop();
    }
}

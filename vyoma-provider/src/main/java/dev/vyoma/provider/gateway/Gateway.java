package dev.vyoma.provider.gateway;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.TlsCertificate;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider's HTTPS gateway for tenants. {@code PUT /v1/leases/OWNER/DSEQ/GSEQ/OSEQ/manifest} takes a lease's
 * manifest (Akash's manifest JSON, as {@code vyoma sdl manifest -o json} prints it) only from the lease's owner
 * (a {@link LeaseToken} in {@code Authorization: Bearer}, addressed to this provider and not expired), only for
 * an active lease of this provider, and only if the manifest's version hash is the deployment's version on the
 * chain. {@code GET …/status} says what the provider holds for the lease. Every refusal is a 4xx with a reason;
 * none of them touches a running lease.
 */
public final class Gateway implements AutoCloseable {
    /** Largest manifest accepted. */
    public static final long MAX_MANIFEST_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final VyomaClient chain;
    private final Address me;
    private final Path manifests;
    private final Clock clock;
    private final Javalin app;
    private final TlsCertificate certificate;
    private volatile Leases leases;

    /** What the gateway hands accepted manifests to, and asks for a lease's status. */
    public interface Leases {
        /** Runs {@code group}, the lease's group of a manifest the gateway read and checked. */
        void deploy(String lease, ManifestGroup group) throws IOException;

        Map<String, Object> status(String lease);

        /** Writes the lease's output lines until {@code stop} says so (or, not following, at the end). */
        void logs(
                String lease,
                dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest request,
                java.util.function.Consumer<String> line,
                java.util.function.BooleanSupplier stop)
                throws IOException, InterruptedException;

        List<?> events(String lease);
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
            int port)
            throws GeneralSecurityException, IOException {
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
            cfg.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keys);
                ssl.setKeyStorePassword("");
                HttpConfiguration https = new HttpConfiguration(http);
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                secure.setSniHostCheck(false);
                https.addCustomizer(secure);
                ServerConnector c = new ServerConnector(
                        server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
                c.setHost(host);
                c.setPort(port);
                return c;
            });
            cfg.routes.get("/v1/status", ctx -> ctx.json(providerStatus.get()));
            cfg.routes.put("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/manifest", this::manifest);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/status", this::status);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/logs", this::logs);
            cfg.routes.get("/v1/leases/{owner}/{dseq}/{gseq}/{oseq}/events", this::events);
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, e.getStatus(), e.getMessage()));
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
        TlsCertificate cert = TlsCertificate.create(me, java.util.List.of(host, "localhost"));
        Gateway g = new Gateway(chain, me, state.resolve("manifests"), clock, cert, host, port);
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

    private String lease(Context ctx) {
        return ctx.pathParam("owner") + "/" + ctx.pathParam("dseq") + "/" + ctx.pathParam("gseq") + "/"
                + ctx.pathParam("oseq") + "/" + me;
    }

    /** The lease's owner, after checking the token and that the lease is this provider's and active. */
    private String authorize(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw new HttpResponseException(
                    401, "send Authorization: Bearer <lease token signed by the lease's owner>");
        }
        LeaseToken.Claims claims;
        try {
            claims = LeaseToken.verify(header.substring(7).strip(), me, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(401, e.getMessage());
        }
        String lease = lease(ctx);
        if (!claims.owner().toString().equals(ctx.pathParam("owner"))) {
            throw new HttpResponseException(
                    403, "the lease belongs to " + ctx.pathParam("owner") + ", the token to " + claims.owner());
        }
        if (!claims.lease().equals(lease)) {
            throw new HttpResponseException(403, "the token is for lease " + claims.lease() + ", not " + lease);
        }
        JsonNode l = chain.getJson("/v1/leases/" + lease)
                .orElseThrow(() -> new HttpResponseException(404, "no lease " + lease + " with this provider"));
        if (!l.path("state").asString().equals("active")) {
            throw new HttpResponseException(
                    409, "lease " + lease + " is " + l.path("state").asString() + ", not active");
        }
        return lease;
    }

    private void manifest(Context ctx) throws IOException {
        String lease = authorize(ctx);
        JsonNode deployment = chain.getJson("/v1/deployments/" + ctx.pathParam("owner") + "/" + ctx.pathParam("dseq"))
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
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, body);
        Files.move(
                tmp,
                f,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Leases l = leases;
        if (l != null) {
            l.deploy(lease, mine);
        }
        ctx.status(202).json(Map.of("lease", lease, "status", "accepted", "version", version));
    }

    private void status(Context ctx) throws IOException {
        String lease = authorize(ctx);
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

    /**
     * {@code GET …/logs?service=S&tail=N&follow=true}: the lease's output as plain text, one line per output
     * line prefixed with {@code [service-index]}; following, the response stays open and new lines arrive as
     * they are written, until the client goes or the lease ends.
     */
    private void logs(Context ctx) throws IOException, InterruptedException {
        String lease = authorize(ctx);
        Leases l = leases;
        if (l == null) {
            throw new HttpResponseException(503, "the provider is starting; try again");
        }
        int tail;
        try {
            tail = Integer.parseInt(ctx.queryParamAsClass("tail", String.class).getOrDefault("100"));
        } catch (NumberFormatException e) {
            throw new HttpResponseException(400, "tail is a number of lines, got " + ctx.queryParam("tail"));
        }
        boolean follow = "true".equals(ctx.queryParam("follow"));
        String service = ctx.queryParamAsClass("service", String.class).getOrDefault("");
        ctx.contentType("text/plain; charset=utf-8");
        ctx.status(200);
        java.io.OutputStream out = ctx.res().getOutputStream();
        boolean[] gone = {false};
        // A follower that stays silent is not noticed when it goes; an hour at most, then it reconnects.
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1);
        l.logs(
                lease,
                new dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest(service, tail, follow),
                text -> {
                    try {
                        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        gone[0] = true;
                    }
                },
                () -> {
                    if (gone[0] || System.nanoTime() > until) {
                        return true;
                    }
                    try {
                        // An empty write finds a client that went away.
                        out.flush();
                        return false;
                    } catch (IOException e) {
                        return true;
                    }
                });
    }

    /** {@code GET …/events}: what happened to the lease on this provider. */
    private void events(Context ctx) {
        String lease = authorize(ctx);
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
        app.stop();
    }
}

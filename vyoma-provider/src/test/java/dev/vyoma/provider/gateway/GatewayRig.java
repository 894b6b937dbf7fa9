package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.ImageTable;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.ProcessRuntime;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real chain and a provider's real HTTPS gateway in front of its real lease manager and process runtime, whose
 * image table runs nothing (a lease's manifest is held, and its logs can be followed, without starting a process),
 * and tenants who lease from it or from another provider.
 */
final class GatewayRig implements AutoCloseable {
    final LocalChain local;
    final VyomaClient chain;
    final KeyPair provider;
    final WorkloadRuntime runtime;
    final LeaseManager leases;
    final Gateway gateway;
    final HttpClient https;
    private final Ingress ingress;
    private final SdlDocument web;

    record Answer(int status, String body) {}

    /** The deterministic keys of this test's named accounts. */
    static final NamedKeys KEYS = new NamedKeys("gateway-rig");

    /** Makes the provider's runtime from its state directory. */
    interface RuntimeFactory {
        WorkloadRuntime make(Path state) throws Exception;
    }

    private GatewayRig(Path dir, Gateway.Limits limits, KeyPair provider, List<KeyPair> others) throws Exception {
        this(
                dir,
                limits,
                ShellLimits.DEFAULTS,
                state -> new ProcessRuntime(new ImageTable(List.of()), state),
                provider,
                others);
    }

    private GatewayRig(
            Path dir,
            Gateway.Limits limits,
            ShellLimits shellLimits,
            RuntimeFactory runtime,
            KeyPair provider,
            List<KeyPair> others)
            throws Exception {
        Address[] funded = new Address[others.size() + 1];
        funded[0] = provider.address();
        for (int i = 0; i < others.size(); i++) {
            funded[i + 1] = others.get(i).address();
        }
        this.local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        "vyoma-gateway-rig",
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        funded),
                Duration.ofMillis(100));
        this.chain = new VyomaClient(local.url());
        this.provider = provider;
        this.web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
        register(provider);
        this.runtime = runtime.make(dir.resolve("provider"));
        this.ingress = Ingress.start("127.0.0.1", 0, "localhost");
        this.leases = new LeaseManager(this.runtime, ingress, "localhost", dir.resolve("routes"), Clock.systemUTC());
        this.gateway = Gateway.start(
                chain,
                provider.address(),
                dir.resolve("provider"),
                Clock.systemUTC(),
                "127.0.0.1",
                0,
                limits,
                shellLimits);
        gateway.runLeasesWith(new Gateway.Leases() {
            @Override
            public void deploy(String lease, dev.vyoma.sdl.manifest.ManifestGroup group) throws IOException {
                leases.deploy(lease, group);
            }

            @Override
            public Map<String, Object> status(String lease) {
                return leases.status(lease);
            }

            @Override
            public void logs(
                    String lease, WorkloadRuntime.LogRequest request, Consumer<String> line, BooleanSupplier stop)
                    throws IOException, InterruptedException {
                leases.logs(lease, request, line, stop);
            }

            @Override
            public List<?> events(String lease) {
                return leases.events(lease);
            }

            @Override
            public dev.vyoma.provider.runtime.Shell shell(
                    String lease, dev.vyoma.provider.runtime.Shell.Request request)
                    throws dev.vyoma.provider.runtime.Shell.Refused, IOException {
                return leases.shell(lease, request);
            }
        });
        this.https = pinned(gateway.certificatePem());
    }

    /** A chain with {@code provider} registered, a gateway for it, and {@code others} funded. */
    static GatewayRig start(Path dir, KeyPair provider, KeyPair... others) throws Exception {
        return new GatewayRig(dir, Gateway.Limits.DEFAULTS, provider, List.of(others));
    }

    /** As {@link #start(Path, KeyPair, KeyPair...)}, with a gateway of {@code limits}. */
    static GatewayRig start(Path dir, Gateway.Limits limits, KeyPair provider, KeyPair... others) throws Exception {
        return new GatewayRig(dir, limits, provider, List.of(others));
    }

    /**
     * A rig whose provider runs leases on {@code runtime}, with shells held to {@code shellLimits}, and publishes its
     * gateway on the chain (host URI and certificate) as a provider does, so tenants' clients reach it.
     */
    static GatewayRig start(
            Path dir, RuntimeFactory runtime, ShellLimits shellLimits, KeyPair provider, KeyPair... others)
            throws Exception {
        GatewayRig rig = new GatewayRig(dir, Gateway.Limits.DEFAULTS, shellLimits, runtime, provider, List.of(others));
        rig.ok(
                provider,
                new Msg.UpdateProvider(
                        provider.address(), "https://127.0.0.1:" + rig.gateway.port(), List.of(), "", ""));
        rig.ok(
                provider,
                new Msg.CreateCertificate(
                        provider.address(),
                        rig.gateway.certificate().certPem(),
                        rig.gateway.certificate().publicKeyPem()));
        return rig;
    }

    void ok(KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = chain.broadcast(chain.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    /** Registers {@code p} as a provider on the chain. */
    void register(KeyPair p) {
        ok(p, new Msg.CreateProvider(p.address(), "https://127.0.0.1:8443", List.of(), "", ""));
    }

    /** A deployment of the web example by {@code tenant} as {@code dseq}, leased from {@code from}. */
    BidId lease(KeyPair tenant, long dseq, KeyPair from) {
        return lease(tenant, dseq, from, web);
    }

    /** A deployment of {@code sdl} (one group) by {@code tenant} as {@code dseq}, leased from {@code from}. */
    BidId lease(KeyPair tenant, long dseq, KeyPair from, SdlDocument sdl) {
        DeploymentId dep = new DeploymentId(tenant.address(), dseq);
        ok(
                tenant,
                new Msg.CreateDeployment(
                        dep, sdl.groups(), sdl.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
        OrderId order = new OrderId(new GroupId(dep, 1), 1);
        ok(
                from,
                new Msg.CreateBid(
                        order, from.address(), new DecCoin("uusd", new BigDecimal("50")), new Coin("uvyo", 500_000)));
        BidId lease = new BidId(order, from.address());
        ok(tenant, new Msg.CreateLease(lease));
        return lease;
    }

    /** The web example's manifest, as a tenant sends it. */
    String manifest() {
        return JsonWriter.compact(AkashJson.manifest(web.manifest()));
    }

    /** A token of {@code tenant} for {@code lease}, written as the tenant chooses, addressed to this provider. */
    String token(KeyPair tenant, String lease) {
        return token(tenant, lease, 0);
    }

    /** The {@code n}th of distinct tokens of {@code tenant} for {@code lease} (each lasts a second less). */
    String token(KeyPair tenant, String lease, int n) {
        return LeaseToken.create(
                tenant, provider.address(), lease, Duration.ofMinutes(5).minusSeconds(n), Instant.now());
    }

    /**
     * A request on a connection of its own, held open: the status line and headers are read, and for a refusal its
     * body; the caller reads a stream from {@link Held#in} and leaves by closing it.
     */
    Held hold(String path, String token) throws Exception {
        return hold(connect("127.0.0.1"), path, token);
    }

    /** A TLS connection to the gateway from the loopback address {@code from}, handshaken and idle. */
    javax.net.ssl.SSLSocket connect(String from) throws Exception {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trusting(gateway.certificatePem())
                .getSocketFactory()
                .createSocket(
                        java.net.InetAddress.getByName("127.0.0.1"),
                        gateway.port(),
                        java.net.InetAddress.getByName(from),
                        0);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** {@link #hold(String, String)} on a connection already open; a null token sends none. */
    Held hold(java.net.Socket socket, String path, String token) throws Exception {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        java.io.InputStream in = socket.getInputStream();
        String status = line(in);
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        String body = code == 200 || length < 0 ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Held(socket, in, code, body);
    }

    /** A held request: its connection, what is left to read, the status and a refusal's body. */
    record Held(java.net.Socket socket, java.io.InputStream in, int status, String body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String line(java.io.InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** The gateway's URL for {@code path}. */
    URI uri(String path) {
        return URI.create("https://127.0.0.1:" + gateway.port() + path);
    }

    Answer put(String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    Answer get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** An HTTPS client that trusts exactly the gateway's certificate. */
    static HttpClient pinned(String pem) throws Exception {
        return HttpClient.newBuilder().sslContext(trusting(pem)).build();
    }

    static SSLContext trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "gateway",
                CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    @Override
    public void close() throws Exception {
        gateway.close();
        leases.close();
        ingress.close();
        local.close();
        if (runtime instanceof AutoCloseable c) {
            c.close();
        }
    }
}

package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
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
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestVersion;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The review's manifest attacks, each by a tenant who put the hash of its own hostile manifest on the chain (the
 * tenant chooses both), sent over HTTPS to the real gateway in front of the real lease manager and process runtime:
 * refused with a 4xx that names the field, and nothing of it runs or touches another lease.
 */
class GatewayManifestAttacksTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("manifest-attacks");

    private record Answer(int status, String body) {}

    /** A lease of the web example's group whose deployment records the version of {@code manifest}. */
    private record Leased(String lease, String url, String token) {}

    private final KeyPair provider = KEYS.key("provider");

    private Leased lease(VyomaClient c, KeyPair tenant, SdlDocument web, long dseq, List<Object> manifest) {
        DeploymentId dep = new DeploymentId(tenant.address(), dseq);
        String version =
                ManifestVersion.ofCanonicalJson(JsonWriter.canonical(manifest)).hex();
        ok(c, tenant, new Msg.CreateDeployment(dep, web.groups(), version, new Coin("uusd", 5_000_000)));
        OrderId order = new OrderId(new GroupId(dep, 1), 1);
        ok(
                c,
                provider,
                new Msg.CreateBid(
                        order,
                        provider.address(),
                        new DecCoin("uusd", new BigDecimal("50")),
                        new Coin("uvyo", 500_000)));
        ok(c, tenant, new Msg.CreateLease(new BidId(order, provider.address())));
        String lease = order + "/" + provider.address();
        return new Leased(
                lease,
                "/v1/leases/" + order + "/manifest",
                LeaseToken.create(tenant, provider.address(), lease, Duration.ofMinutes(5), Instant.now()));
    }

    private static void ok(VyomaClient c, KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> manifestOf(SdlDocument doc, Consumer<List<Object>> change) {
        List<Object> tree = JSON.readValue(JsonWriter.compact(AkashJson.manifest(doc.manifest())), List.class);
        change.accept(tree);
        return tree;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> webService(List<Object> manifest, int group) {
        Map<String, Object> g = (Map<String, Object>) manifest.get(group);
        return (Map<String, Object>) ((List<Object>) g.get("services")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Object tree) {
        return JSON.readValue(JSON.writeValueAsString(tree), java.util.LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static void addService(List<Object> manifest, String name, int count) {
        Map<String, Object> extra = copy(webService(manifest, 0));
        extra.put("name", name);
        extra.put("count", count);
        ((List<Object>) ((Map<String, Object>) manifest.get(0)).get("services")).add(extra);
    }

    private static Answer put(HttpClient https, int port, Leased l, List<Object> manifest) throws Exception {
        HttpResponse<String> r = https.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + l.url()))
                        .header("Authorization", "Bearer " + l.token())
                        .PUT(HttpRequest.BodyPublishers.ofString(JsonWriter.compact(manifest)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    @Test
    void hostileManifestsAreRefusedAndNothingOfThemRuns() throws Exception {
        KeyPair victim = KEYS.key("victim");
        KeyPair mallory = KEYS.key("mallory");
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-manifest-attacks",
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                victim.address(),
                mallory.address(),
                provider.address());
        SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
        Path state = dir.resolve("provider");
        ProcessRuntime runtime = new ProcessRuntime(ImageTable.defaults(), state);
        try (LocalChain local = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100));
                Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost");
                Gateway gateway = Gateway.start(
                        new VyomaClient(local.url()), provider.address(), state, Clock.systemUTC(), "127.0.0.1", 0)) {
            VyomaClient c = new VyomaClient(local.url());
            ok(c, provider, new Msg.CreateProvider(provider.address(), "https://127.0.0.1:8443", List.of(), "", ""));
            LeaseManager leases =
                    new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
            gateway.runLeasesWith(new Gateway.Leases() {
                @Override
                public void deploy(String lease, dev.vyoma.sdl.manifest.ManifestGroup group)
                        throws java.io.IOException {
                    leases.deploy(lease, group);
                }

                @Override
                public Map<String, Object> status(String lease) {
                    return leases.status(lease);
                }

                @Override
                public void logs(
                        String lease,
                        dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest request,
                        Consumer<String> line,
                        java.util.function.BooleanSupplier stop)
                        throws java.io.IOException, InterruptedException {
                    leases.logs(lease, request, line, stop);
                }

                @Override
                public List<?> events(String lease) {
                    return leases.events(lease);
                }

                @Override
                public dev.vyoma.provider.runtime.Shell shell(
                        String lease, dev.vyoma.provider.runtime.Shell.Request request)
                        throws dev.vyoma.provider.runtime.Shell.Refused, java.io.IOException {
                    return leases.shell(lease, request);
                }
            });
            HttpClient https = pinned(gateway.certificatePem());
            int port = gateway.port();

            // The victim's honest lease runs its one replica.
            Leased honest = lease(c, victim, web, 1, manifestOf(web, m -> {}));
            Answer accepted = put(https, port, honest, manifestOf(web, m -> {}));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> runtime.status(honest.lease()).ready() == 1);
            Path victimLog = runtime.status(honest.lease()).replicas().get(0).log();
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> Files.readString(victimLog).contains("listening on"));
            byte[] victimLogBefore = Files.readAllBytes(victimLog);
            long victimPid = runtime.status(honest.lease()).replicas().get(0).pid();

            // B: replica counts below 1 (counted as none by a check, started once by a runtime) and a second group of
            // the same name (deployed but never checked): a one-replica lease that would run seven.
            List<Object> negative = manifestOf(web, m -> addService(m, "more", -6));
            Answer a = put(https, port, lease(c, mallory, web, 2, negative), negative);
            assertThat(a.status()).as(a.body()).isEqualTo(422);
            assertThat(a.body()).contains("service more: count is -6; it must be between 1 and 50");
            List<Object> zero = manifestOf(web, m -> addService(m, "more", 0));
            a = put(https, port, lease(c, mallory, web, 3, zero), zero);
            assertThat(a.status()).isEqualTo(422);
            assertThat(a.body()).contains("count is 0");
            List<Object> twice = manifestOf(web, m -> {
                Map<String, Object> again = copy(m.get(0));
                webService(List.of(again), 0).put("count", 6);
                m.add(again);
            });
            a = put(https, port, lease(c, mallory, web, 4, twice), twice);
            assertThat(a.status()).isEqualTo(422);
            assertThat(a.body()).contains("group dcloud appears twice");

            // C: service names that are paths: into the victim's lease directory, and out of the provider's.
            String victimDir = honest.lease().replace('/', '_');
            int dseq = 5;
            for (String name : List.of("../" + victimDir + "/web", "../../../../../../tmp/vyoma-escape")) {
                List<Object> path = manifestOf(web, m -> webService(m, 0).put("name", name));
                a = put(https, port, lease(c, mallory, web, dseq++, path), path);
                assertThat(a.status()).as(a.body()).isEqualTo(422);
                assertThat(a.body()).contains("is not a service name");
            }

            // Nothing of mallory's runs; the victim's replica, log and records are as they were.
            assertThat(runtime.leases()).containsExactly(honest.lease());
            assertThat(runtime.status(honest.lease()).replicas())
                    .singleElement()
                    .satisfies(r -> assertThat(r.pid()).isEqualTo(victimPid));
            assertThat(Files.readAllBytes(victimLog)).isEqualTo(victimLogBefore);
            assertThat(Path.of("/tmp/vyoma-escape")).doesNotExist();
            try (Stream<Path> files = Files.walk(state.resolve("leases"))) {
                assertThat(files.map(p -> state.resolve("leases").relativize(p).toString()))
                        .allMatch(p -> p.isEmpty() || p.startsWith(victimDir));
            }
        } finally {
            for (String l : runtime.leases()) {
                runtime.teardown(l);
            }
        }
    }

    /** An HTTPS client that trusts exactly the gateway's certificate. */
    private static HttpClient pinned(String pem) throws Exception {
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
        return HttpClient.newBuilder().sslContext(ssl).build();
    }
}

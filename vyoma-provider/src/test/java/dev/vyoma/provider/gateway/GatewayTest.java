package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.testkit.Fixtures;
import java.io.ByteArrayInputStream;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests reach the provider only from the lease's owner, with the deployment's version, before expiry. */
class GatewayTest {
    @TempDir
    Path dir;

    private record Answer(int status, String body) {}

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("gateway");

    private static void ok(VyomaClient c, KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = c.broadcast(c.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
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

    private static Answer put(HttpClient https, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    @Test
    void onlyTheOwnersManifestWithTheDeploymentsVersion() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        KeyPair mallory = KEYS.key("mallory");
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-gateway-test",
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                tenant.address(),
                provider.address(),
                mallory.address());
        try (LocalChain local = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100))) {
            VyomaClient c = new VyomaClient(local.url());
            SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
            ok(c, provider, new Msg.CreateProvider(provider.address(), "https://127.0.0.1:8443", List.of(), "", ""));
            DeploymentId dep = new DeploymentId(tenant.address(), 5);
            ok(
                    c,
                    tenant,
                    new Msg.CreateDeployment(
                            dep, web.groups(), web.manifestVersion().hex(), new Coin("uusd", 5_000_000)));
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
            String lease = tenant.address() + "/5/1/1/" + provider.address();

            try (Gateway gateway =
                    Gateway.start(c, provider.address(), dir.resolve("provider"), Clock.systemUTC(), "127.0.0.1", 0)) {
                HttpClient https = pinned(gateway.certificatePem());
                String url =
                        "https://127.0.0.1:" + gateway.port() + "/v1/leases/" + tenant.address() + "/5/1/1/manifest";
                String manifest = JsonWriter.compact(AkashJson.manifest(web.manifest()));
                Instant now = Instant.now();

                String good = LeaseToken.create(tenant, provider.address(), lease, Duration.ofMinutes(5), now);
                Answer accepted = put(https, url, good, manifest);
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
                assertThat(gateway.manifest(lease)).contains(manifest);

                // Refusals, none of which disturbs what the lease has.
                Answer none = put(https, url, null, manifest);
                assertThat(none.status()).isEqualTo(401);
                assertThat(none.body()).contains("Authorization: Bearer");
                Answer stranger = put(
                        https,
                        url,
                        LeaseToken.create(mallory, provider.address(), lease, Duration.ofMinutes(5), now),
                        manifest);
                assertThat(stranger.status()).isEqualTo(403);
                assertThat(stranger.body()).contains("belongs to " + tenant.address());
                Answer otherHash = put(https, url, good, manifest.replace("nginx", "nginx-evil"));
                assertThat(otherHash.status()).isEqualTo(422);
                assertThat(otherHash.body()).contains(web.manifestVersion().hex());
                Answer expired = put(
                        https,
                        url,
                        LeaseToken.create(
                                tenant,
                                provider.address(),
                                lease,
                                Duration.ofMinutes(1),
                                now.minus(Duration.ofMinutes(10))),
                        manifest);
                assertThat(expired.status()).isEqualTo(401);
                assertThat(expired.body()).contains("expired");
                Answer elsewhere = put(
                        https,
                        url,
                        LeaseToken.create(tenant, mallory.address(), lease, Duration.ofMinutes(5), now),
                        manifest);
                assertThat(elsewhere.status()).isEqualTo(401);
                assertThat(elsewhere.body()).contains("made for provider " + mallory.address());
                Answer forged = put(https, url, good.substring(0, good.length() - 4) + "AAAA", manifest);
                assertThat(forged.status()).isEqualTo(401);
                Answer notJson = put(https, url, good, "{");
                assertThat(notJson.status()).isEqualTo(400);
                assertThat(gateway.manifest(lease)).contains(manifest);

                HttpResponse<String> status = https.send(
                        HttpRequest.newBuilder(URI.create(url.replace("/manifest", "/status")))
                                .header("Authorization", "Bearer " + good)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(status.body()).contains("\"manifest\":\"accepted\"");

                // The public status answers without a token.
                HttpResponse<String> providerStatus = https.send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port() + "/v1/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(providerStatus.statusCode()).isEqualTo(200);

                // A manifest whose version the tenant put on the chain, but that runs more than the lease pays for.
                String greedy = manifest.replace("\"count\":1", "\"count\":5");
                assertThat(greedy).isNotEqualTo(manifest);
                DeploymentId dep2 = new DeploymentId(tenant.address(), 6);
                ok(
                        c,
                        tenant,
                        new Msg.CreateDeployment(
                                dep2,
                                web.groups(),
                                dev.vyoma.sdl.manifest.ManifestVersion.ofCanonicalJson(
                                                JsonWriter.canonical(tools.jackson.databind.json.JsonMapper.builder()
                                                        .build()
                                                        .readValue(greedy, Object.class)))
                                        .hex(),
                                new Coin("uusd", 5_000_000)));
                OrderId order2 = new OrderId(new GroupId(dep2, 1), 1);
                ok(
                        c,
                        provider,
                        new Msg.CreateBid(
                                order2,
                                provider.address(),
                                new DecCoin("uusd", new BigDecimal("50")),
                                new Coin("uvyo", 500_000)));
                ok(c, tenant, new Msg.CreateLease(new BidId(order2, provider.address())));
                String lease2 = tenant.address() + "/6/1/1/" + provider.address();
                Answer tooMuch = put(
                        https,
                        url.replace("/5/1/1/", "/6/1/1/"),
                        LeaseToken.create(tenant, provider.address(), lease2, Duration.ofMinutes(5), now),
                        greedy);
                assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(422);
                assertThat(tooMuch.body()).contains("pays for 1 replica(s) but the manifest runs 5");
                assertThat(gateway.manifest(lease2)).isEmpty();

                // After the lease ends, no manifest is taken for it.
                ok(c, tenant, new Msg.CloseDeployment(dep));
                Answer closed = put(https, url, good, manifest);
                assertThat(closed.status()).isEqualTo(409);
            }
        }
    }
}

package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.VyomaClient;
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
import dev.vyoma.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A GPU provider from its provider.yaml: registered with its capabilities, bidding on the H100 example, paid. */
class ProviderDaemonTest {
    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("provider-daemon");

    private static final String CONFIG = """
            node: NODE
            key: provider
            keyringBackend: test
            host: https://gpu.example.com:8443
            attributes: {region: us-west, tier: community}
            info: {email: ops@example.com}
            bidDeposit: 500000uvyo
            withdrawEverySeconds: 1
            gateway: 127.0.0.1:0
            ingress: 127.0.0.1:0
            inventory:
              nodes:
                - name: gpu-0
                  cpu: 64
                  memory: 512Gi
                  storage: 2Ti
                  gpus: {count: 8, vendor: nvidia, model: h100, ram: 80Gi, interface: sxm5}
            pricing:
              denom: uusd
              cpu: 10
              memoryGi: 5
              storageGi: {ephemeral: 0.5, ram: 5}
              gpu: {h100: 20000}
              endpoint: 1
            """;

    /** A chain in which the tenant and the provider are funded. */
    private LocalChain startChain(String chainId) throws IOException {
        return LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        chainId,
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        KEYS.key("tenant").address(),
                        KEYS.key("provider").address()),
                Duration.ofMillis(100));
    }

    /** The provider of {@link #CONFIG} on {@code local}; with {@code autoHost} it registers its own gateway's address. */
    private ProviderDaemon startProvider(LocalChain local, boolean autoHost) throws IOException {
        Path file = dir.resolve("provider.yaml");
        String yaml = CONFIG.replace("NODE", local.url());
        Files.writeString(file, autoHost ? yaml.replace("host: https://gpu.example.com:8443", "host: auto") : yaml);
        return ProviderDaemon.start(ProviderConfig.read(file), KEYS.key("provider"), dir.resolve("provider"));
    }

    @Test
    void registersBidsAndWithdraws() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        try (LocalChain local = startChain("vyoma-provider-test")) {
            String url = local.url();
            try (ProviderDaemon daemon = startProvider(local, false)) {
                VyomaClient c = new VyomaClient(url);
                JsonNode registered =
                        c.getJson("/v1/providers/" + provider.address()).orElseThrow();
                assertThat(registered.path("attributes").toString())
                        .contains("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi/interface/sxm")
                        .contains("region");

                SdlDocument llm = Sdl.parse(
                                Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml")),
                                "gpu-llm.yaml")
                        .document();
                DeploymentId dep = new DeploymentId(tenant.address(), 9);
                c.broadcast(
                        c.sign(
                                tenant,
                                List.of(new Msg.CreateDeployment(
                                        dep, llm.groups(), llm.manifestVersion().hex(), new Coin("uusd", 50_000_000))),
                                ""),
                        true);
                OrderId order = new OrderId(new GroupId(dep, 1), 1);
                OrderId k = order;
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.bids().order(k).isPresent());
                assertThat(daemon.bids().order(k)).contains(BidDaemon.OrderState.BID);
                long before = c.account(provider.address()).orElseThrow().balance("uusd");
                VyomaClient.TxOutcome lease = c.broadcast(
                        c.sign(tenant, List.of(new Msg.CreateLease(new BidId(order, provider.address()))), ""), true);
                assertThat(lease.ok()).as(lease.log()).isTrue();
                // Withdrawals every second: the provider's uusd grows.
                await().atMost(30, TimeUnit.SECONDS)
                        .until(() -> c.account(provider.address()).orElseThrow().balance("uusd") > before);
                assertThat(daemon.inventory().status().gpusFreeByModel()).containsEntry("nvidia/h100", 7);
            }
        }
    }

    @Test
    void aBadConfigSaysWhichFieldToFix() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, CONFIG.replace("memory: 512Gi", "memory: lots"));
        assertThatThrownBy(() -> ProviderConfig.read(file)).hasMessageContaining("nodes[0].memory");
        Files.writeString(file, CONFIG.replace("  denom: uusd\n", ""));
        assertThatThrownBy(() -> ProviderConfig.read(file)).hasMessageContaining("pricing: denom is required");
        Files.writeString(file, CONFIG.replace("cpu: 10", "cpu: -1"));
        assertThatThrownBy(() -> ProviderConfig.read(file)).hasMessageContaining("cpu must be a price of 0 or more");
        Files.writeString(file, CONFIG + "images:\n  - {match: \"acme*\"}\n");
        assertThatThrownBy(() -> ProviderConfig.read(file))
                .hasMessageContaining("images[0]")
                .hasMessageContaining("give one of builtin, command or java");
        Files.writeString(file, CONFIG + "images:\n  - {match: \"acme*\", command: [sh, -c, 'exec run $PORT']}\n");
        assertThat(ProviderConfig.read(file).images())
                .extracting(e -> e.command().get(0))
                .containsExactly("sh");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> ProviderConfig.read(file)).hasMessageContaining("expected a mapping");
    }

    /**
     * A tenant's whole path on one provider: deployment, bid, lease, manifest over HTTPS with a lease token,
     * the service running and answering through the ingress, and gone again when the deployment closes.
     */
    @Test
    void theWebExampleAnswersAtItsUriAndGoesWhenTheDeploymentCloses() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        try (LocalChain local = startChain("vyoma-e2e-test")) {
            VyomaClient c = new VyomaClient(local.url());
            try (ProviderDaemon daemon = startProvider(local, false)) {
                String sdl = Fixtures.webSdl();
                SdlDocument web = Sdl.parse(sdl, "web.yaml").document();
                DeploymentId dep = new DeploymentId(tenant.address(), 3);
                assertThat(c.broadcast(
                                        c.sign(
                                                tenant,
                                                List.of(new Msg.CreateDeployment(
                                                        dep,
                                                        web.groups(),
                                                        web.manifestVersion().hex(),
                                                        new Coin("uusd", 5_000_000))),
                                                ""),
                                        true)
                                .ok())
                        .isTrue();
                OrderId order = new OrderId(new GroupId(dep, 1), 1);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.bids().order(order).isPresent());
                long providerBefore =
                        c.account(provider.address()).orElseThrow().balance("uusd");
                long tenantBefore = c.account(tenant.address()).orElseThrow().balance("uusd");
                VyomaClient.TxOutcome leased = c.broadcast(
                        c.sign(tenant, List.of(new Msg.CreateLease(new BidId(order, provider.address()))), ""), true);
                assertThat(leased.ok()).isTrue();
                String lease = order.toString() + "/" + provider.address();
                java.math.BigDecimal price = new java.math.BigDecimal(c.getJson("/v1/leases/" + lease)
                        .orElseThrow()
                        .path("price")
                        .path("amount")
                        .asString());

                javax.net.ssl.SSLContext ssl = trusting(daemon.gateway().certificatePem());
                java.net.http.HttpClient https =
                        java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
                String token = dev.vyoma.client.LeaseToken.create(
                        tenant, provider.address(), lease, Duration.ofMinutes(5), java.time.Instant.now());
                String base = "https://127.0.0.1:" + daemon.gateway().port() + "/v1/leases/" + order.toString();
                var put = https.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/manifest"))
                                .header("Authorization", "Bearer " + token)
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        dev.vyoma.sdl.json.JsonWriter.compact(
                                                dev.vyoma.sdl.manifest.AkashJson.manifest(web.manifest()))))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(202);

                java.util.function.Supplier<JsonNode> status = () -> {
                    try {
                        return tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .readTree(https.send(
                                                java.net.http.HttpRequest.newBuilder(
                                                                java.net.URI.create(base + "/status"))
                                                        .header("Authorization", "Bearer " + token)
                                                        .build(),
                                                java.net.http.HttpResponse.BodyHandlers.ofString())
                                        .body());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                await().atMost(30, TimeUnit.SECONDS)
                        .until(() -> status.get().path("ready").asInt() == 1);
                String host = status.get().path("uris").get(0).asString();
                assertThat(host).matches("[0-9a-f]{12}\\.ingress\\.localhost:\\d+");
                String page = rawGet(daemon.ingress().port(), host);
                assertThat(page).startsWith("HTTP/1.1 200").contains("<h1>web</h1>");

                // Blocks pass and the provider withdraws (every second), then the tenant closes: the lease ends, its
                // process goes, and exactly price × blocks moved from the tenant to the provider.
                long firstWithdrawal = providerBefore;
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> c.account(provider.address()).orElseThrow().balance("uusd") > firstWithdrawal);
                VyomaClient.TxOutcome closed =
                        c.broadcast(c.sign(tenant, List.of(new Msg.CloseDeployment(dep)), ""), true);
                assertThat(closed.ok()).isTrue();
                long blocks = closed.height() - leased.height();
                long paid = price.multiply(java.math.BigDecimal.valueOf(blocks))
                        .setScale(0, java.math.RoundingMode.DOWN)
                        .longValueExact();
                assertThat(c.account(provider.address()).orElseThrow().balance("uusd") - providerBefore)
                        .as("provider earnings over %d blocks at %s", blocks, price)
                        .isEqualTo(paid);
                // The tenant's deposit (taken when the deployment was made) came back, less exactly that.
                assertThat(c.account(tenant.address()).orElseThrow().balance("uusd") - tenantBefore)
                        .isEqualTo(5_000_000 - paid);
                // The provider learns of the close from the chain's event stream, a moment after the commit.
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.inventory().status().reservations() == 0);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> rawGet(daemon.ingress().port(), host).startsWith("HTTP/1.1 404"));
                assertThat(daemon.leases().status(lease).get("total")).isEqualTo(0);
            }
        }
    }

    private static final String TWO_SERVICES = """
            version: "2.0"
            services:
              web:
                image: nginx:1.27-alpine
                env: [TITLE=TITLE_VALUE]
                expose:
                  - {port: 80, as: 80, to: [{global: true}]}
              api:
                image: nginx:1.27-alpine
                expose:
                  - {port: 8080, as: 9000, to: [{global: true}]}
            profiles:
              compute:
                small: {resources: {cpu: {units: CPU_UNITS}, memory: {size: 256Mi}, storage: {size: 1Gi}}}
              placement:
                dc: {pricing: {small: {denom: uusd, amount: 1000}}}
            deployment:
              web: {dc: {profile: small, count: 1}}
              api: {dc: {profile: small, count: 1}}
            """;

    private static SdlDocument twoServices(String title, String cpu) {
        return Sdl.parse(TWO_SERVICES.replace("TITLE_VALUE", title).replace("CPU_UNITS", cpu), "two.yaml")
                .document();
    }

    /**
     * What a tenant does with a running deployment: reads its provider's capacity, its logs (the last lines,
     * and following), its events; reaches a global port other than 80 at a host port; updates it to a new
     * manifest (same addresses, new content); is refused an update that changes what is leased.
     */
    @Test
    void updateLogsEventsAndHostPorts() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        try (LocalChain local = startChain("vyoma-update-test")) {
            VyomaClient c = new VyomaClient(local.url());
            try (ProviderDaemon daemon = startProvider(local, true)) {
                dev.vyoma.client.Deployer deployer = new dev.vyoma.client.Deployer(c);
                dev.vyoma.client.ProviderGateway gateway = deployer.gateway();
                dev.vyoma.client.Deployer.Result r = deployer.deploy(
                        tenant,
                        twoServices("v1", "0.5"),
                        new dev.vyoma.client.Deployer.Options(
                                new Coin("uusd", 5_000_000),
                                "cheapest",
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(30)),
                        line -> {});
                dev.vyoma.client.Deployer.Leased leased = r.leases().get(0);
                String lease = leased.lease();
                assertThat(leased.ready()).isEqualTo(2);
                String host = leased.uris().get(0);
                assertThat(rawGet(daemon.ingress().port(), host)).contains("<h1>v1</h1>");
                JsonNode forwarded = gateway.leaseStatus(tenant, lease)
                        .path("forwardedPorts")
                        .get(0);
                assertThat(forwarded.path("service").asString()).isEqualTo("api");
                assertThat(forwarded.path("port").asInt()).isEqualTo(8080);
                int hostPort = forwarded.path("externalPort").asInt();
                assertThat(leased.uris()).contains("localhost:" + hostPort + " (api port 8080)");
                assertThat(httpGet(hostPort)).contains("<h1>api</h1>");

                // The provider's capacity, as the status endpoint reports it.
                JsonNode capacity = gateway.status(provider.address());
                assertThat(capacity.path("inventory").asString()).isEqualTo("declared");
                assertThat(capacity.path("activeLeases").asInt()).isEqualTo(1);
                assertThat(capacity.path("cpu").path("total").asLong()).isEqualTo(64_000);
                assertThat(capacity.path("cpu").path("allocated").asLong()).isEqualTo(1_000);
                assertThat(capacity.path("gpus").get(0).path("model").asString())
                        .isEqualTo("h100");
                assertThat(capacity.path("gpus").get(0).path("allocated").asInt())
                        .isZero();

                // Logs: the last lines, then following as new ones are written.
                List<String> lines = new java.util.ArrayList<>();
                gateway.logs(tenant, lease, "web", 10, false, lines::add);
                assertThat(lines).anyMatch(l -> l.startsWith("[web-0] GET / 200"));
                List<String> followed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                Thread follower = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        gateway.logs(tenant, lease, "api", 0, true, followed::add);
                    } catch (Exception e) {
                        followed.add("ended: " + e);
                    }
                });
                await().atMost(10, TimeUnit.SECONDS).until(() -> {
                    httpGet(hostPort);
                    return followed.stream().anyMatch(l -> l.startsWith("[api-0] GET / 200"));
                });

                // An update: new content at the same addresses.
                List<dev.vyoma.client.Deployer.Leased> updated = deployer.update(
                        tenant, r.deployment(), twoServices("v2", "0.5"), Duration.ofSeconds(30), line -> {});
                assertThat(updated.get(0).uris()).isEqualTo(leased.uris());
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> rawGet(daemon.ingress().port(), host).contains("<h1>v2</h1>"));
                assertThat(httpGet(hostPort)).contains("<h1>api</h1>");
                assertThat(gateway.leaseEvents(tenant, lease).path("events").toString())
                        .contains("manifest received")
                        .contains("manifest updated; services replaced");
                // What is leased cannot change in an update.
                assertThatThrownBy(() -> deployer.update(
                                tenant, r.deployment(), twoServices("v3", "1"), Duration.ofSeconds(5), line -> {}))
                        .hasMessageContaining("differs from the deployment's on the chain");

                // The deployment closes: the follower's stream ends, the host port closes, the capacity is free.
                assertThat(c.broadcast(c.sign(tenant, List.of(new Msg.CloseDeployment(r.deployment())), ""), true)
                                .ok())
                        .isTrue();
                follower.join(Duration.ofSeconds(20));
                assertThat(follower.isAlive()).isFalse();
                await().atMost(20, TimeUnit.SECONDS).until(() -> {
                    try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", hostPort)) {
                        return false;
                    } catch (java.io.IOException refused) {
                        return true;
                    }
                });
                assertThat(gateway.status(provider.address())
                                .path("cpu")
                                .path("allocated")
                                .asLong())
                        .isZero();
            }
        }
    }

    private static String httpGet(int port) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String rawGet(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static javax.net.ssl.SSLContext trusting(String pem) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "gateway",
                java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                                new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** The SDK's one-call deploy (what vyoma deploy runs) against a provider whose gateway it finds on the chain. */
    @Test
    void deployerTakesTheCheapestBidAndGivesTheUriOrSaysNobodyMatched() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair provider = KEYS.key("provider");
        try (LocalChain local = startChain("vyoma-deployer-test")) {
            VyomaClient c = new VyomaClient(local.url());
            try (ProviderDaemon daemon = startProvider(local, true)) {
                dev.vyoma.client.Deployer deployer = new dev.vyoma.client.Deployer(c);
                SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
                List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
                dev.vyoma.client.Deployer.Result r = deployer.deploy(
                        tenant,
                        web,
                        new dev.vyoma.client.Deployer.Options(
                                new Coin("uusd", 5_000_000),
                                "cheapest",
                                Duration.ofSeconds(20),
                                Duration.ofSeconds(30)),
                        progress::add);
                assertThat(r.leases()).hasSize(1);
                dev.vyoma.client.Deployer.Leased leased = r.leases().get(0);
                assertThat(leased.provider()).isEqualTo(provider.address());
                assertThat(leased.ready()).isEqualTo(1);
                assertThat(rawGet(daemon.ingress().port(), leased.uris().get(0)))
                        .startsWith("HTTP/1.1 200")
                        .contains("<h1>web</h1>");
                assertThat(progress).anyMatch(p -> p.contains("manifest accepted"));

                // An A100 nobody has: no bid within the wait, the deployment closed, the reason given.
                String a100 = Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"))
                        .replace("model: h100", "model: a100");
                SdlDocument wantsA100 = Sdl.parse(a100, "a100.yaml").document();
                long before = c.account(tenant.address()).orElseThrow().balance("uusd");
                assertThatThrownBy(() -> deployer.deploy(
                                tenant,
                                wantsA100,
                                new dev.vyoma.client.Deployer.Options(
                                        new Coin("uusd", 5_000_000),
                                        "cheapest",
                                        Duration.ofSeconds(3),
                                        Duration.ofSeconds(5)),
                                line -> {}))
                        .hasMessageContaining("no provider bid on group gpu")
                        .hasMessageContaining("deposit returned");
                assertThat(c.account(tenant.address()).orElseThrow().balance("uusd"))
                        .isEqualTo(before);

                // Tear the web lease down so its process does not outlive the test.
                c.broadcast(c.sign(tenant, List.of(new Msg.CloseDeployment(r.deployment())), ""), true);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> daemon.leases()
                                .status(leased.lease())
                                .get("total")
                                .equals(0));
            }
        }
    }
}

package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.provider.ProviderMain;
import dev.vyoma.testkit.Fixtures;
import dev.vyoma.testkit.JavaProcess;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code vyoma deploy watch --failover} with two providers as processes: the serving one is killed with SIGKILL,
 * and within the grace period plus a minute the workload answers at a new URI from the other; the old lease is
 * closed with the tenant's provider-fault reason, and each lease was paid for exactly the blocks it ran.
 */
class LeaseFailoverTest {
    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("failover");

    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aKilledProvidersLeaseMovesToTheOther() throws Exception {
        Path keys = dir.resolve("keys");
        Keyring ring = Keyring.open(keys, Keyring.Backend.TEST);
        ring.importSeed("tenant", KEYS.seed("tenant"), null);
        KeyPair tenant = ring.unlock("tenant", null);
        Path home1 = dir.resolve("p1");
        Path home2 = dir.resolve("p2");
        KeyPair p1 = providerKey(home1, "p1");
        KeyPair p2 = providerKey(home2, "p2");
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-failover-test",
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                tenant.address(),
                p1.address(),
                p2.address());
        int ingress1 = LocalPorts.free();
        int ingress2 = LocalPorts.free();
        List<Process> providers = new ArrayList<>();
        List<Long> workloads = new ArrayList<>();
        try (LocalChain chain = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100))) {
            VyomaClient c = new VyomaClient(chain.url());
            // p1 asks less, so the deployment goes to it first.
            Process first = startProvider(home1, config(home1, chain.url(), ingress1, 10));
            providers.add(first);
            providers.add(startProvider(home2, config(home2, chain.url(), ingress2, 20)));
            String[] common = {"--node", chain.url(), "--keyring-backend", "test", "--home", keys.toString()};
            Path web = Fixtures.webSdlFile();
            long tenantBefore = c.account(tenant.address()).orElseThrow().balance("uusd");
            long p1Before = c.account(p1.address()).orElseThrow().balance("uusd");
            long p2Before = c.account(p2.address()).orElseThrow().balance("uusd");

            DevnetProcess.Run deployed = DevnetProcess.cli(
                    new String[] {"deploy", web.toString(), "--from", "tenant", "--timeout", "40s", "-o", "json"},
                    common);
            assertThat(deployed.code()).as(deployed.err()).isZero();
            JsonNode leased = new ObjectMapper().readTree(deployed.out()).get(0);
            BidId firstLease = BidId.parse(leased.path("lease").asString());
            assertThat(firstLease.provider()).isEqualTo(p1.address());
            String host1 = leased.path("uris").asString();
            assertThat(rawGet(ingress1, host1)).startsWith("HTTP/1.1 200");
            String dseq = Long.toString(firstLease.deployment().dseq());
            workloads.addAll(replicaPids(home1));

            CompletableFuture<DevnetProcess.Run> watch = CompletableFuture.supplyAsync(() -> DevnetProcess.cli(
                    new String[] {
                        "deploy",
                        "watch",
                        dseq,
                        "--from",
                        "tenant",
                        "--failover",
                        "--sdl",
                        web.toString(),
                        "--grace",
                        GRACE.toSeconds() + "s",
                        "--timeout",
                        "40s",
                        "--for",
                        "180s"
                    },
                    common));
            // Let the watch see p1 answer once, then kill it without warning.
            Thread.sleep(2_000);
            first.destroyForcibly().waitFor();
            long killed = System.nanoTime();

            // The deployment's lease moves to p2, and its URI there answers.
            BidId secondLease = await().atMost(GRACE.plusMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> activeLease(c, tenant.address(), firstLease),
                            l -> l != null && l.provider().equals(p2.address()));
            String host2 = await().atMost(GRACE.plusMinutes(1))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                JsonNode s = new ProviderGateway(c).leaseStatus(tenant, secondLease.toString());
                                return s.path("ready").asInt()
                                                        == s.path("total").asInt()
                                                && s.path("total").asInt() > 0
                                        ? s.path("uris").get(0).asString()
                                        : null;
                            },
                            h -> h != null);
            await().atMost(GRACE.plusMinutes(1))
                    .ignoreExceptions()
                    .until(() -> rawGet(ingress2, host2).startsWith("HTTP/1.1 200"));
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            workloads.addAll(replicaPids(home2));
            assertThat(took).isLessThan(GRACE.plusMinutes(1));
            System.out.println("failover: the workload answered on the other provider " + took.toMillis()
                    + " ms after the kill (grace " + GRACE.toSeconds() + " s)");
            assertThat(host2).isNotEqualTo(host1);

            // The old lease: closed by the tenant for its provider's fault, the group re-posted as order 2.
            JsonNode old = c.lease(firstLease).orElseThrow();
            assertThat(old.path("state").asString()).isEqualTo("closed");
            assertThat(old.path("reason").path("code").asInt()).isEqualTo(2);
            assertThat(secondLease.order().oseq()).isEqualTo(2);

            // The tenant closes the deployment; the watch ends and tells what happened.
            DevnetProcess.Run closed =
                    DevnetProcess.cli(new String[] {"deploy", "close", dseq, "--from", "tenant"}, common);
            assertThat(closed.code()).as(closed.err()).isZero();
            DevnetProcess.Run watched = watch.get(60, TimeUnit.SECONDS);
            assertThat(watched.code()).as(watched.err()).isZero();
            assertThat(watched.err())
                    .contains(
                            "provider " + p1.address() + " has not answered for " + GRACE.toSeconds() + " s",
                            "tenant:provider_unresponsive",
                            "persistent volumes included) is lost",
                            "the group runs again on " + p2.address() + ": " + host2,
                            "closed by its owner");

            // Each provider was paid exactly its price for the blocks its lease ran; the tenant paid the sum.
            JsonNode second = c.lease(secondLease).orElseThrow();
            long paid1 = paid(old);
            long paid2 = paid(second);
            assertThat(paid1).isPositive();
            assertThat(paid2).isPositive();
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> c.account(p2.address()).orElseThrow().balance("uusd") - p2Before == paid2);
            assertThat(c.account(p1.address()).orElseThrow().balance("uusd") - p1Before)
                    .isEqualTo(paid1);
            assertThat(tenantBefore - c.account(tenant.address()).orElseThrow().balance("uusd"))
                    .isEqualTo(paid1 + paid2);
        } finally {
            for (Process p : providers) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            // The killed provider's workload outlived it; it is this test's to stop.
            for (long pid : workloads) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** price × (closedAt − createdAt), the whole micro-units a closed lease paid its provider. */
    private static long paid(JsonNode lease) {
        long blocks = lease.path("closedAt").asLong() - lease.path("createdAt").asLong();
        assertThat(blocks).isPositive();
        return new BigDecimal(lease.path("price").path("amount").asString())
                .multiply(BigDecimal.valueOf(blocks))
                .setScale(0, RoundingMode.DOWN)
                .longValueExact();
    }

    /** The deployment's active lease, if any. */
    private static BidId activeLease(VyomaClient c, Address owner, BidId any) {
        for (JsonNode l : c.getJson("/v1/leases?owner=" + owner + "&state=active&limit=100")
                .orElseThrow()
                .path("items")) {
            BidId id = dev.vyoma.client.ChainIds.bidId(l.path("id"));
            if (id.deployment().equals(any.deployment())) {
                return id;
            }
        }
        return null;
    }

    private static KeyPair providerKey(Path home, String name) throws Exception {
        Keyring ring = Keyring.open(home, Keyring.Backend.TEST);
        ring.importSeed("provider", KEYS.seed(name), null);
        return ring.unlock("provider", null);
    }

    private Path config(Path home, String node, int ingress, int cpuPrice) throws Exception {
        Path config = home.resolve("provider.yaml");
        Files.writeString(config, """
                node: NODE
                key: provider
                keyringBackend: test
                host: auto
                withdrawEverySeconds: 1
                gateway: 127.0.0.1:0
                ingress: 127.0.0.1:INGRESS
                inventory:
                  nodes:
                    - {name: n0, cpu: 8, memory: 32Gi, storage: 200Gi}
                pricing: {denom: uusd, cpu: CPU, memoryGi: 5, storageGi: {ephemeral: 1, ram: 5}, endpoint: 1}
                """.replace("NODE", node)
                .replace("INGRESS", Integer.toString(ingress))
                .replace("CPU", Integer.toString(cpuPrice)));
        return config;
    }

    private static Process startProvider(Path home, Path config) throws Exception {
        return JavaProcess.start(
                        "the provider",
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"),
                        ProviderMain.class.getName(),
                        List.of("--home", home.toString(), "--config", config.toString()),
                        line -> line.startsWith("vyoma provider ") && line.contains(" ready:"),
                        Duration.ofSeconds(90))
                .process;
    }

    /** The pids the provider in {@code home} recorded for its leases' replicas. */
    private static List<Long> replicaPids(Path home) throws Exception {
        List<Long> out = new ArrayList<>();
        Path records = home.resolve("state").resolve("leases");
        try (var files = Files.walk(records)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                long pid = new ObjectMapper().readTree(f.toFile()).path("pid").asLong();
                if (pid > 0) {
                    out.add(pid);
                }
            }
        }
        return out;
    }

    private static String rawGet(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

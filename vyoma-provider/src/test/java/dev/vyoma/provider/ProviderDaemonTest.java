package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Params;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.Node;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.testkit.Fixtures;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A GPU provider from its provider.yaml: registered with its capabilities, bidding on the H100 example, paid. */
class ProviderDaemonTest {
    @TempDir
    Path dir;

    private static KeyPair key(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(("provider-daemon:" + name).getBytes(StandardCharsets.UTF_8), 32));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final String CONFIG = """
            node: NODE
            key: provider
            keyringBackend: test
            host: https://gpu.example.com:8443
            attributes: {region: us-west, tier: community}
            info: {email: ops@example.com}
            bidDeposit: 500000uvyo
            withdrawEverySeconds: 1
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

    @Test
    void registersBidsAndWithdraws() throws Exception {
        KeyPair tenant = key("tenant");
        KeyPair provider = key("provider");
        List<Coin> coins = List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000));
        Genesis genesis = new Genesis(
                "vyoma-provider-test",
                1_700_000_000_000L,
                Params.defaults(),
                List.of(
                        new Genesis.Allocation(tenant.address(), coins),
                        new Genesis.Allocation(provider.address(), coins)));
        try (Node node = Node.start(new Node.Config(
                        dir.resolve("node"),
                        "n0",
                        List.of(new Node.Peer("n0", "127.0.0.1:" + freePort())),
                        genesis,
                        key("validator").address(),
                        Duration.ofMillis(100),
                        1_000,
                        100,
                        Mempool.Limits.defaults()));
                Api api = Api.start(node, "127.0.0.1", 0)) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            String url = "http://127.0.0.1:" + api.port();
            Path file = dir.resolve("provider.yaml");
            Files.writeString(file, CONFIG.replace("NODE", url));
            ProviderConfig config = ProviderConfig.read(file);
            try (ProviderDaemon daemon = ProviderDaemon.start(config, provider, dir.resolve("provider"))) {
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
                String k = BidDaemon.key(order);
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
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> ProviderConfig.read(file)).hasMessageContaining("expected a mapping");
    }
}

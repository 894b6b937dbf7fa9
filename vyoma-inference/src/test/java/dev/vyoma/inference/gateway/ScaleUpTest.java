package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.Http;
import dev.vyoma.inference.ProviderProcess;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.TestModels;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a queue deeper than its target, the gateway leases a second replica on the market (one provider
 * process, room for two) and routes to both.
 */
class ScaleUpTest {
    @TempDir
    Path dir;

    @Test
    void aDeepQueueLeasesAnotherReplica() throws Exception {
        KeyPair gatewayKey = TestChain.KEYS.key("gateway");
        KeyPair alice = TestChain.KEYS.key("alice");
        try (TestChain chain = new TestChain(dir, "vyoma-scale-test", "gateway", "alice")) {
            chain.commit(
                    gatewayKey,
                    new Msg.Send(
                            gatewayKey.address(),
                            ProviderProcess.KEYS.key("p1").address(),
                            new Coin("uvyo", 50_000_000)));
            try (ProviderProcess provider = ProviderProcess.start(dir, "p1", chain.url, TestModels.tiny(), 10, 30)) {
                MarketLeaser leaser = new MarketLeaser(chain.client, gatewayKey, new Coin("uusd", 5_000_000), 1_000);
                try (GatewayHarness h = new GatewayHarness(
                        chain, dir.resolve("gw"), gatewayKey, leaser, List.of(GatewayHarness.tinyOffer(1, 2)))) {
                    await().atMost(90, TimeUnit.SECONDS)
                            .until(() -> h.gateway.replicas("tiny").stream()
                                            .filter(Replica::healthy)
                                            .count()
                                    == 1);
                    chain.commit(
                            alice,
                            new Msg.OpenInferenceAccount(
                                    alice.address(), gatewayKey.address(), new Coin("uusd", 100_000)));
                    String key = h.newKey(alice, null);
                    // Eight slow requests at once on a worker with two slots: six wait in line. (Threads of their
                    // own: the common pool has one thread on a two-core machine.)
                    ExecutorService clients = Executors.newFixedThreadPool(8);
                    List<CompletableFuture<Integer>> load = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        load.add(CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return Http.post(
                                                        h.base + "/v1/completions",
                                                        key,
                                                        "{\"model\":\"tiny\",\"prompt\":\"busy\",\"max_tokens\":150,\"ignore_eos\":true}")
                                                .status();
                                    } catch (Exception e) {
                                        return -1;
                                    }
                                },
                                clients));
                    }
                    await().atMost(90, TimeUnit.SECONDS)
                            .until(() -> h.gateway.replicas("tiny").stream()
                                            .filter(Replica::healthy)
                                            .count()
                                    == 2);
                    for (CompletableFuture<Integer> f : load) {
                        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(200);
                    }
                    // Not beyond the maximum, and both replicas serve.
                    assertThat(h.gateway.replicas("tiny")).hasSize(2);
                    List<CompletableFuture<Integer>> more = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        more.add(CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return Http.post(
                                                        h.base + "/v1/completions",
                                                        key,
                                                        "{\"model\":\"tiny\",\"prompt\":\"more\",\"max_tokens\":60,\"ignore_eos\":true}")
                                                .status();
                                    } catch (Exception e) {
                                        return -1;
                                    }
                                },
                                clients));
                    }
                    for (CompletableFuture<Integer> f : more) {
                        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(200);
                    }
                    assertThat(Http.get(h.replicaHealth(0), null)
                                    .body()
                                    .path("served")
                                    .asInt())
                            .isPositive();
                    assertThat(Http.get(h.replicaHealth(1), null)
                                    .body()
                                    .path("served")
                                    .asInt())
                            .isPositive();
                    // A leased worker, reached at the port its provider forwards, answers only this gateway: the
                    // secret came to it in the lease's manifest.
                    for (Replica r : h.gateway.replicas("tiny")) {
                        Http.Reply direct = Http.post(
                                r.baseUrl() + "/v1/completions",
                                null,
                                "{\"model\":\"tiny\",\"prompt\":\"free\",\"max_tokens\":5}");
                        assertThat(direct.status()).as(direct.text()).isEqualTo(401);
                        assertThat(Http.post(
                                                r.baseUrl() + "/v1/completions",
                                                key,
                                                "{\"model\":\"tiny\",\"prompt\":\"free\",\"max_tokens\":5}")
                                        .status())
                                .isEqualTo(401);
                    }
                    clients.shutdown();
                    h.gateway.releaseAll();
                }
            }
        }
    }
}

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real providers, each a process; the gateway leases one replica of the model on each through the market.
 * The provider serving a stream is killed (with its workloads) mid-stream: the stream ends with an error and is
 * not charged, new requests succeed on the other replica at once, and the gateway closes the dead replica's
 * deployment and leases a replacement.
 */
class FailoverTest {
    @TempDir
    Path dir;

    @Test
    void aProviderDiesMidStreamAndTheGatewayFailsOverAndLeasesAReplacement() throws Exception {
        KeyPair gatewayKey = TestChain.KEYS.key("gateway");
        KeyPair alice = TestChain.KEYS.key("alice");
        List<ProviderProcess> providers = new ArrayList<>();
        try (TestChain chain = new TestChain(dir, "vyoma-failover-test", "gateway", "alice")) {
            for (String p : List.of("p1", "p2")) {
                chain.commit(
                        TestChain.KEYS.key("gateway"),
                        new Msg.Send(
                                gatewayKey.address(),
                                ProviderProcess.KEYS.key(p).address(),
                                new Coin("uvyo", 50_000_000)));
            }
            providers.add(ProviderProcess.start(dir, "p1", chain.url, TestModels.tiny(), 10, 40));
            providers.add(ProviderProcess.start(dir, "p2", chain.url, TestModels.tiny(), 12, 40));
            MarketLeaser leaser = new MarketLeaser(chain.client, gatewayKey, new Coin("uusd", 5_000_000), 1_000);
            try (GatewayHarness h = new GatewayHarness(
                    chain, dir.resolve("gw"), gatewayKey, leaser, List.of(GatewayHarness.tinyOffer(2, 2)))) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> h.gateway.replicas("tiny").stream()
                                        .filter(Replica::healthy)
                                        .count()
                                == 2);
                List<Replica> first = h.gateway.replicas("tiny");
                Set<String> placed = new HashSet<>();
                first.forEach(r -> placed.add(r.provider().toString()));
                assertThat(placed).as("one replica on each provider").hasSize(2);

                chain.commit(
                        alice,
                        new Msg.OpenInferenceAccount(alice.address(), gatewayKey.address(), new Coin("uusd", 100_000)));
                String key = h.newKey(alice, null);

                // A long stream (40 ms a token), read line by line.
                List<String> lines = Collections.synchronizedList(new ArrayList<>());
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    try {
                        HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create(h.base + "/v1/completions"))
                                                .header("Authorization", "Bearer " + key)
                                                .POST(
                                                        HttpRequest.BodyPublishers.ofString(
                                                                "{\"model\":\"tiny\",\"prompt\":\"go\",\"max_tokens\":200,\"ignore_eos\":true,\"stream\":true}"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofLines());
                        r.body().forEach(lines::add);
                    } catch (Exception e) {
                        lines.add("client error: " + e);
                    }
                });
                await().atMost(20, TimeUnit.SECONDS).until(() -> lines.size() > 10);
                Replica serving = h.gateway.replicas("tiny").stream()
                        .filter(r -> r.inFlight() > 0)
                        .findFirst()
                        .orElseThrow();
                ProviderProcess victim = providers.stream()
                        .filter(p -> p.key.address().equals(serving.provider()))
                        .findFirst()
                        .orElseThrow();
                victim.crash();
                stream.get(30, TimeUnit.SECONDS);
                assertThat(lines).noneMatch(l -> l.equals("data: [DONE]"));
                assertThat(String.join("\n", lines)).contains("the replica serving this stream failed");

                // New requests succeed at once, on the other replica.
                for (int i = 0; i < 3; i++) {
                    Http.Reply ok = Http.post(
                            h.base + "/v1/completions",
                            key,
                            "{\"model\":\"tiny\",\"prompt\":\"again\",\"max_tokens\":3}");
                    assertThat(ok.status()).as(ok.text()).isEqualTo(200);
                }

                // The dead replica's deployment is closed and a replacement runs on a live provider.
                await().atMost(90, TimeUnit.SECONDS).until(() -> {
                    List<Replica> now = h.gateway.replicas("tiny");
                    return now.size() == 2
                            && now.stream().allMatch(Replica::healthy)
                            && now.stream().noneMatch(r -> r.deployment().equals(serving.deployment()));
                });
                assertThat(h.gateway.replicas("tiny"))
                        .allMatch(r -> !r.provider().equals(serving.provider()));
                await().atMost(30, TimeUnit.SECONDS)
                        .until(() -> chain.client
                                .getJson("/v1/deployments/"
                                        + serving.deployment().owner() + "/"
                                        + serving.deployment().dseq())
                                .orElseThrow()
                                .path("state")
                                .asString()
                                .equalsIgnoreCase("closed"));
                Http.Reply after = Http.post(
                        h.base + "/v1/completions", key, "{\"model\":\"tiny\",\"prompt\":\"after\",\"max_tokens\":3}");
                assertThat(after.status()).isEqualTo(200);

                // Only the four completed requests are charged; the broken stream is not.
                h.gateway.settleNow();
                assertThat(chain.client
                                .getJson("/v1/inference/charges/" + alice.address() + "/" + gatewayKey.address())
                                .orElseThrow()
                                .path("items")
                                .get(0)
                                .path("requests")
                                .asLong())
                        .isEqualTo(4);
                h.gateway.releaseAll();
            }
        } finally {
            providers.forEach(ProviderProcess::close);
        }
    }
}

package dev.vyoma.inference.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.gateway.ApiKeys;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the benchmark (the full one is {@code vyoma inference bench}): every request succeeds through
 * both paths, and the gateway's requests are all metered and settle on the ledger.
 */
class InferenceBenchTest {
    @TempDir
    Path dir;

    @Test
    void theGatewayIsMeasuredAgainstTheWorkerInTheSameRun() throws Exception {
        try (TestChain chain = new TestChain(dir, "vyoma-bench-test", "gateway", "alice")) {
            KeyPair gateway = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            // The measurement's own gateway: its one key may go as fast as the worker.
            KeyLimits unbounded = new KeyLimits(600, 16, 1_000_000, 64);
            try (GatewayHarness h = new GatewayHarness(
                    chain,
                    dir.resolve("gw"),
                    gateway,
                    null,
                    List.of(GatewayHarness.tinyOffer(0, 1)),
                    0,
                    unbounded,
                    ApiKeys.MAX_KEYS)) {
                chain.commit(
                        alice,
                        new Msg.OpenInferenceAccount(
                                alice.address(), gateway.address(), new Coin("uusd", 100_000_000)));
                String key = h.newKey(alice, "{\"requests_per_minute\":1000000,\"max_concurrent\":64}");
                InferenceBench.Result r = new InferenceBench(
                                "http://127.0.0.1:" + h.worker.port(), h.workerSecret, h.base, key, "tiny")
                        .run(new InferenceBench.Plan(20, 60, 4, Duration.ofSeconds(2), 64));
                System.out.println("inference bench (short): " + Json.write(r.asMap()));
                assertThat(r.errors()).isZero();
                assertThat(r.direct().p50Ms()).isPositive();
                assertThat(r.gateway().p99Ms())
                        .isGreaterThanOrEqualTo(r.gateway().p50Ms());
                assertThat(r.directRequestsPerSecond()).isPositive();
                assertThat(r.gatewayRequestsPerSecond()).isPositive();
                assertThat(r.workerTokensPerSecond()).isPositive();
                assertThat(h.gateway.settleNow()).isPositive();
                long requests = 0;
                for (var c : chain.client
                        .getJson("/v1/inference/charges/" + alice.address() + "/" + gateway.address())
                        .orElseThrow()
                        .path("items")) {
                    requests += c.path("requests").asLong();
                }
                assertThat(requests)
                        .as("every request through the gateway is charged")
                        .isEqualTo(r.gatewayRequests());
                assertThat(requests).isGreaterThanOrEqualTo(20 + 60);
            }
        }
    }
}

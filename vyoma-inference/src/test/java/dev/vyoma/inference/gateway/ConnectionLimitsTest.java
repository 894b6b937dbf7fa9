package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.inference.TestChain;
import dev.vyoma.testkit.RawHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's connection limits ({@link ServerLimits}; small values here so that each is reached), on the real
 * gateway over a real chain: one address holding its cap gets 429 on the next connection while another address is
 * served, the total gives 503, a slowloris head is closed after the head timeout, and a head past its size is 431.
 * A streamed completion holds a connection, so the same caps bound streams.
 */
class ConnectionLimitsTest {
    private static final HttpLimits LIMITS =
            new HttpLimits(5, 3, Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(1), 4_096, 16);

    @Test
    void oneAddressCannotHoldTheGatewayNorCanASlowHead(@TempDir Path dir) throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try (TestChain chain = new TestChain(dir, "vyoma-connections-test", "gateway")) {
            Billing billing = new Billing(
                    chain.client, TestChain.key("gateway"), new UsageLog(dir.resolve("usage.jsonl")), line -> {});
            ApiKeys keys =
                    new ApiKeys(dir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom(), ApiKeys.MAX_KEYS);
            InferenceGateway.Config config = new InferenceGateway.Config(
                    List.of(),
                    Map.of(),
                    null,
                    Duration.ofHours(1),
                    4,
                    5_000,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(10),
                    KeyLimits.DEFAULTS);
            try (InferenceGateway g = InferenceGateway.start(
                    config, billing, keys, null, Clock.systemUTC(), line -> {}, "127.0.0.1", 0, LIMITS)) {
                int port = g.port();
                for (int i = 0; i < LIMITS.connectionsPerClient(); i++) {
                    RawHttp c = RawHttp.connect("127.0.0.1", port);
                    held.add(c);
                    assertThat(c.get("/v1/models").status()).isEqualTo(200);
                }
                RawHttp over = RawHttp.connect("127.0.0.1", port);
                held.add(over);
                assertThat(over.get("/v1/models").toString())
                        .startsWith("429 ")
                        .contains("at most 3 open connections from one client");
                assertThat(over.closedWithin(5_000)).isTrue();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> g.guard().connections().open() == 3);
                RawHttp other = RawHttp.connect("127.0.0.2", port);
                RawHttp other2 = RawHttp.connect("127.0.0.2", port);
                held.add(other);
                held.add(other2);
                assertThat(other.get("/v1/models").status()).isEqualTo(200);
                assertThat(other2.get("/v1/models").status()).isEqualTo(200);
                RawHttp third = RawHttp.connect("127.0.0.3", port);
                held.add(third);
                assertThat(third.get("/v1/models").toString())
                        .startsWith("503 ")
                        .contains("the gateway serves at most 5 open connections");

                RawHttp loris = RawHttp.connect("127.0.0.2", port);
                other2.close();
                held.add(loris);
                loris.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
                long start = System.nanoTime();
                boolean closed = false;
                while (!closed
                        && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                    try {
                        loris.send("X");
                        closed = loris.closedWithin(100);
                    } catch (IOException e) {
                        closed = true;
                    }
                }
                assertThat(closed).isTrue();
                assertThat(System.nanoTime() - start)
                        .isGreaterThanOrEqualTo(LIMITS.headTimeout().toNanos());
                assertThat(g.guard().slowHeadsClosed()).isEqualTo(1);
                assertThat(other.get("/v1/models").status()).isEqualTo(200);
                assertThat(other.get("/v1/models", "X-Filler: " + "a".repeat(LIMITS.requestHeadBytes()))
                                .status())
                        .isEqualTo(431);
            }
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.inference.TestChain;
import dev.vyoma.testkit.GuardedServerScenario;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
        try (TestChain chain = new TestChain(dir, "vyoma-connections-test", "gateway")) {
            Billing billing = new Billing(
                    chain.client, TestChain.KEYS.key("gateway"), new UsageLog(dir.resolve("usage.jsonl")), line -> {});
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
                GuardedServerScenario.run(new GuardedServerScenario.Server(
                        g.port(),
                        "/v1/models",
                        answer -> answer.status() == 200,
                        "the gateway",
                        LIMITS.connections(),
                        LIMITS.connectionsPerClient(),
                        LIMITS.headTimeout(),
                        LIMITS.requestHeadBytes(),
                        () -> g.guard().connections().open(),
                        () -> g.guard().slowHeadsClosed()));
            }
        }
    }
}

package dev.vyoma.inference.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the benchmark on its own chain, as {@code vyoma inference bench} starts it: the gateway started by
 * {@code GatewayDaemon} answers every request, and each one it answered is charged on the ledger.
 */
class GatewayBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyRequestThroughTheGatewayIsChargedOnItsOwnChain() throws Exception {
        GatewayBench.Outcome o =
                GatewayBench.run(dir, null, 2, new InferenceBench.Plan(10, 30, 2, Duration.ofSeconds(1), 16));
        assertThat(o.result().errors()).isZero();
        assertThat(o.result().gatewayRequests()).isGreaterThanOrEqualTo(10 + 30);
        assertThat(o.requestsCharged())
                .as("every request through the gateway is charged")
                .isEqualTo(o.result().gatewayRequests());
        assertThat(o.batches()).isPositive();
    }
}

package dev.vyoma.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flood of docs/benchmarks.md, small: one address asks for more event streams than its cap and holds slow
 * heads, and the caps hold (its 32 streams, the rest refused with 429), the node closes the slow heads after its head
 * timeout, the other address gets every answer, and the node makes blocks. No timing is asserted here: the figures come from the command.
 */
class FloodBenchTest {
    @Test
    void theCapsHoldAndTheOtherClientIsServed(@TempDir Path dir) throws Exception {
        FloodBench.Result r = FloodBench.run(
                dir, 60, 10, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(13), line -> {});
        System.out.print(FloodBench.table(r));
        assertThat(r.alone().failed()).isZero();
        assertThat(r.flooded().failed()).isZero();
        assertThat(r.flooded().requests()).isPositive();
        assertThat(r.floodAnswers().get("answered 200")).isEqualTo(32L);
        assertThat(r.floodAnswers().get("answered 429")).isEqualTo(28L);
        assertThat(r.blocks()).isPositive();
        // The slow heads are the node's to close, after its head timeout (nothing else would: each byte resets the
        // idle timeout).
        assertThat(r.slowlorisClosed()).isEqualTo(10);
        assertThat(r.slowlorisHeldMaxSeconds()).isGreaterThanOrEqualTo(dev.vyoma.node.api.Api.HEAD_TIMEOUT.toSeconds());
    }
}

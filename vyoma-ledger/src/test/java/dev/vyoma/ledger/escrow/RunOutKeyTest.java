package dev.vyoma.ledger.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.testkit.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The run-out index's order hint never decreases as keys increase, far heights and scan bounds included. */
class RunOutKeyTest {
    @Test
    void orderHintFollowsKeyOrder() {
        long seed = Seeds.seed("RunOutKeyTest.hint");
        SplittableRandom random = Seeds.random(seed);
        List<RunOutKey> keys = new ArrayList<>();
        long[] heights = {1, 2, 5_000, (1L << 39) - 1, 1L << 39, Long.MAX_VALUE / 2};
        for (int i = 0; i < 2_000; i++) {
            byte[] owner = new byte[Address.LENGTH_BYTES];
            random.nextBytes(owner);
            if (random.nextInt(4) == 0) {
                owner[0] = (byte) 0xFF;
            }
            long height = random.nextInt(3) == 0 ? heights[random.nextInt(heights.length)] : 1 + random.nextInt(50);
            keys.add(new RunOutKey(height, new DeploymentId(new Address(owner), 1 + random.nextInt(5))));
        }
        for (long h : heights) {
            keys.add(RunOutKey.last(h));
        }
        Collections.sort(keys);
        for (int i = 1; i < keys.size(); i++) {
            assertThat(keys.get(i).orderHint())
                    .as(Seeds.replay("hint", seed) + ": " + keys.get(i - 1) + " then " + keys.get(i))
                    .isGreaterThanOrEqualTo(keys.get(i - 1).orderHint());
        }
        for (RunOutKey k : keys) {
            if (k.account() != null) {
                assertThat(k).isLessThan(RunOutKey.last(k.height()));
            }
        }
    }
}

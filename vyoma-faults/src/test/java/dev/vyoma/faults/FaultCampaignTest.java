package dev.vyoma.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded campaign CI runs: a few seeds of a three-validator network under faults, each about half a minute.
 * {@code -Dfaults.seed=S} (with {@code -Dfaults.seconds}, {@code -Dfaults.validators}) replays a seed; {@code
 * -Dfaults.seeds=N -Dfaults.minutes=M} runs a longer campaign ({@code bin/faults} does both). It needs root and
 * {@code ip netns}: without them it fails, saying what is missing, rather than pass without running.
 */
class FaultCampaignTest {
    /** The seeds CI runs. */
    private static final long FIRST_SEED = 20_261_207;

    private static final int SEEDS = 3;
    private static final int SECONDS = 30;

    @Test
    void noAcknowledgedTransactionIsLostAndAllMembersAgreeUnderFaults() throws Exception {
        assertThat(Testbed.missing())
                .as("the fault campaign runs validators in network namespaces; this host lacks")
                .isEmpty();
        long first = Long.getLong("faults.seed", FIRST_SEED);
        int seeds = Integer.getInteger("faults.seeds", System.getProperty("faults.seed") != null ? 1 : SEEDS);
        FaultCampaign.Summary summary = FaultCampaign.run(
                new FaultCampaign.Plan(
                        first,
                        seeds,
                        Duration.ofMinutes(Integer.getInteger("faults.minutes", 60)),
                        Duration.ofSeconds(Integer.getInteger("faults.seconds", SECONDS)),
                        Integer.getInteger("faults.validators", 3),
                        Integer.getInteger("faults.wipe", 1) == 1),
                System.out);
        assertThat(summary.failures()).as("what the checks found").isEmpty();
        assertThat(summary.runs()).allSatisfy(r -> {
            assertThat(r.acknowledged())
                    .as("seed " + r.seed() + " acknowledged transactions")
                    .isPositive();
            assertThat(r.injected()).as("seed " + r.seed() + " faults").isNotEmpty();
        });
    }
}

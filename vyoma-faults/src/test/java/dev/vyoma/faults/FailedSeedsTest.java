package dev.vyoma.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seeds that failed a long campaign, replayed by CI after their fix (docs/faults.md, "Defects found"). Apart from
 * {@link FaultCampaignTest}, so that {@code bin/faults} runs only the campaign it is asked for.
 */
class FailedSeedsTest {
    /**
     * Seed 20261224: the disk of n1 filled while it stored its first block; the failure out of the state machine
     * closed its Raft division and the process answered at height 1 for good. A member that cannot store a block now
     * stops (exit 74) and, started again on a disk with room, catches up.
     */
    @Test
    void aMemberWhoseDiskFillsWhileStoringABlockStopsAndCatchesUp() throws Exception {
        assertThat(Testbed.missing())
                .as("the fault campaign runs validators in network namespaces; this host lacks")
                .isEmpty();
        FaultCampaign.Summary summary = FaultCampaign.run(
                new FaultCampaign.Plan(20_261_224, 1, Duration.ofMinutes(10), Duration.ofSeconds(30), 3, true),
                System.out);
        assertThat(summary.failures()).as("what the checks found").isEmpty();
        assertThat(summary.runs()).singleElement().satisfies(r -> {
            assertThat(r.acknowledged()).as("acknowledged transactions").isPositive();
            assertThat(r.injected()).as("faults").containsKey(Campaign.Fault.DISK_FULL);
        });
    }
}

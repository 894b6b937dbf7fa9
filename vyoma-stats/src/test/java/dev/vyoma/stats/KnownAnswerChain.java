package dev.vyoma.stats;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.CapacitySnapshot.GpuModel;
import dev.vyoma.stats.capacity.CapacitySnapshot.Resource;
import dev.vyoma.stats.scenario.ScriptedChain;
import java.time.Instant;
import java.util.List;

/**
 * The known-answer chain: two periods of two UTC days each (2026-01-01..02 and 2026-01-03..04), one block every
 * six hours (block h at genesis + 6h × h, so a day holds heights 4d..4d+3), driven through the real ledger.
 *
 * <pre>
 * h1  provA registers                       h8  provB registers
 * h2  D1 (1 cpu, 1Gi, 2Gi), provA bids 2.5  h9  D3 (0.5 cpu, 512Mi, 1Gi), provB bids 4;
 * h3  lease L1 at 2.5/block                     D4 (1 cpu, 1Gi, 1Gi, deposit 500000), provB bids 200000
 * h5  provA withdraws L1: 2 blocks = 5      h10 leases L3 at 4 and L4 at 200000
 * h6  D2 (2 cpu, 4Gi, 10Gi, 1 h100),        h11 tenant closes D1: L1 paid 15 more (8 blocks = 20)
 *     provA bids 33.333333333333333333      h12 provA withdraws L2: 5 blocks = 166.66…65, pays 166
 * h7  lease L2                              h13 D4 runs out (3 blocks owed, 500000 there): L4 paid 500000;
 *                                               tenant2 closes D2: L2 paid 33 (6 blocks = 199.99…98)
 *                                           h15 provB withdraws L3: 5 blocks = 20
 *                                           h16 (2026-01-05) an empty block: the period is complete
 * </pre>
 */
final class KnownAnswerChain {
    static final long GENESIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final long SIX_HOURS = 6 * 3600_000L;
    static final long HOUR = 3600_000L;

    final ScriptedChain chain;
    BidId l1;
    BidId l2;
    BidId l3;
    BidId l4;

    KnownAnswerChain() {
        chain = new ScriptedChain(
                "vyoma-stats-kat",
                GENESIS,
                List.of("tenant", "tenant2", "provA", "provB"),
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)));
        ScriptedChain c = chain;
        c.createProvider("provA", "https://provider-a.example.com:8443", "h100");
        block(1);
        DeploymentId d1 =
                c.createDeployment("tenant", 1, ScriptedChain.groups("1", "1Gi", "2Gi", 0, "", 1, "10"), 5_000_000);
        l1 = c.bid("provA", d1, 1, 1, "2.5");
        block(2);
        c.tx("tenant", new Msg.CreateLease(l1));
        block(3);
        block(4);
        c.tx("provA", new Msg.WithdrawLease(l1));
        block(5);
        DeploymentId d2 = c.createDeployment(
                "tenant2", 1, ScriptedChain.groups("2", "4Gi", "10Gi", 1, "h100", 1, "100"), 5_000_000);
        l2 = c.bid("provA", d2, 1, 1, "33.333333333333333333");
        block(6);
        c.tx("tenant2", new Msg.CreateLease(l2));
        block(7);
        c.createProvider("provB", "https://provider-b.example.com:8443");
        block(8);
        DeploymentId d3 =
                c.createDeployment("tenant", 3, ScriptedChain.groups("0.5", "512Mi", "1Gi", 0, "", 1, "10"), 5_000_000);
        l3 = c.bid("provB", d3, 1, 1, "4");
        DeploymentId d4 =
                c.createDeployment("tenant2", 4, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "300000"), 500_000);
        l4 = c.bid("provB", d4, 1, 1, "200000");
        block(9);
        c.tx("tenant", new Msg.CreateLease(l3));
        c.tx("tenant2", new Msg.CreateLease(l4));
        block(10);
        c.tx("tenant", new Msg.CloseDeployment(d1));
        block(11);
        c.tx("provA", new Msg.WithdrawLease(l2));
        block(12);
        c.tx("tenant2", new Msg.CloseDeployment(d2));
        block(13);
        block(14);
        c.tx("provB", new Msg.WithdrawLease(l3));
        block(15);
        block(16);
    }

    private void block(long height) {
        chain.block(GENESIS + height * SIX_HOURS);
        if (chain.height() != height) {
            throw new IllegalStateException("script out of step at " + height);
        }
    }

    /** The capacity snapshots of the scenario, as the poller would have stored them. */
    List<CapacitySnapshot> snapshots() {
        return List.of(
                ok("provA", day(1, 23), gpu("h100", 8, 0)),
                ok("provA", day(2, 23), gpu("h100", 8, 1)),
                // Earlier the same day: not the day's last, so not counted.
                ok("provA", day(3, 12), gpu("h100", 8, 5)),
                ok("provA", day(3, 23), gpu("h100", 8, 1)),
                ok("provA", day(4, 22), gpu("h100", 8, 0)),
                // Later, but failed: the 22:00 answer stands.
                CapacitySnapshot.failed(chain.addr("provA"), day(4, 23) + 30 * 60_000L, "IOException: timed out"),
                // Before provB registered (h8 = 2026-01-03T00:00): not counted on 2026-01-02.
                ok("provB", day(2, 23), gpu("a100", 4, 4)),
                ok("provB", day(3, 22) + 30 * 60_000L, gpu("a100", 4, 2)),
                // More than 3 hours before the end of 2026-01-04: provB is not active that day.
                ok("provB", day(4, 19) + 59 * 60_000L, gpu("a100", 4, 3)));
    }

    /** Millis of 2026-01-{@code d} at {@code hour}:00 UTC. */
    static long day(int d, int hour) {
        return GENESIS + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    private static GpuModel gpu(String model, long allocatable, long allocated) {
        return new GpuModel("nvidia", model, "80Gi", "sxm", new Resource(allocatable, allocatable, allocated));
    }

    private CapacitySnapshot ok(String provider, long at, GpuModel gpu) {
        return new CapacitySnapshot(
                chain.addr(provider),
                at,
                true,
                null,
                "declared",
                1,
                new Resource(16_000, 15_000, 2_000),
                new Resource(64L << 30, 60L << 30, 4L << 30),
                new Resource(1L << 40, 1L << 40, 10L << 30),
                List.of(gpu));
    }
}

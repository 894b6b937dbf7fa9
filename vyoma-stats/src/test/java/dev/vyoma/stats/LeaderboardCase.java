package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Leaderboard;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The providers ranked by earnings, with leases open, GPUs and uptime. The period is 2026-05-31; three providers
 * registered on 05-01, prices in uusd:
 *
 * <pre>
 * h1 05-01 00:00  pA, pB (h100), pC register     h5 05-31 06:00
 * h2 05-01 01:00  D1 bid pA 100, D2 (1 h100)     h6 05-31 12:00  the tenant closes D3 (L3 paid 3 blocks × 50)
 *                 bid pB 300, D3 bid pC 50       h7 05-31 18:00
 * h3 05-01 02:00  leases L1, L2, L3              h8 06-01 00:00  (the period is complete)
 * h4 05-30 23:00
 *
 * Status polls: pA every 6 hours (03:00, 09:00, 15:00, 21:00) from 05-02 to 05-31, no GPUs; it failed on 05-26
 * (all four) and at 09:00 and 15:00 on 05-31. pB on 05-31 only, all answered, 8 H100s with 1 allocated. pC never.
 * </pre>
 */
final class LeaderboardCase {
    private LeaderboardCase() {}

    private static final long HOUR = 3_600_000L;

    private static long day(int d, int hour) {
        return Instant.parse("2026-05-01T00:00:00Z").toEpochMilli() + (d - 1) * 24 * HOUR + hour * HOUR;
    }

    static void run(Supplier<StatsDb> open) throws Exception {
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-leaderboard",
                day(1, 0),
                List.of("tenant", "pA", "pB", "pC"),
                List.of(new Coin("uusd", 1_000_000_000L), new Coin("uvyo", 1_000_000_000L)));
        c.createProvider("pA", "https://pa.example.com:8443");
        c.createProvider("pB", "https://pb.example.com:8443", "h100");
        c.createProvider("pC", "https://pc.example.com:8443");
        c.block(day(1, 0));
        DeploymentId d1 =
                c.createDeployment("tenant", 1, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "1000"), 5_000_000);
        DeploymentId d2 = c.createDeployment(
                "tenant", 2, ScriptedChain.groups("1", "1Gi", "1Gi", 1, "h100", 1, "1000"), 5_000_000);
        DeploymentId d3 =
                c.createDeployment("tenant", 3, ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "1000"), 5_000_000);
        BidId l1 = c.bid("pA", d1, 1, 1, "100");
        BidId l2 = c.bid("pB", d2, 1, 1, "300");
        BidId l3 = c.bid("pC", d3, 1, 1, "50");
        c.block(day(1, 1));
        c.tx("tenant", new Msg.CreateLease(l1), new Msg.CreateLease(l2), new Msg.CreateLease(l3));
        c.block(day(1, 2));
        c.block(day(30, 23));
        c.block(day(31, 6));
        c.tx("tenant", new Msg.CloseDeployment(d3));
        c.block(day(31, 12));
        c.block(day(31, 18));
        c.block(day(32, 0));
        List<CapacitySnapshot> polls = new ArrayList<>();
        for (int d = 2; d <= 31; d++) {
            for (int h : new int[] {3, 9, 15, 21}) {
                boolean fails = d == 26 || (d == 31 && (h == 9 || h == 15));
                polls.add(
                        fails
                                ? CapacitySnapshot.failed(c.addr("pA"), day(d, h), "IOException: timed out")
                                : new CapacitySnapshot(
                                        c.addr("pA"),
                                        day(d, h),
                                        true,
                                        null,
                                        "declared",
                                        1,
                                        CapacitySnapshot.Resource.NONE,
                                        CapacitySnapshot.Resource.NONE,
                                        CapacitySnapshot.Resource.NONE,
                                        List.of()));
            }
        }
        for (int h : new int[] {3, 9, 15, 21}) {
            polls.add(Snapshots.h100(c.addr("pB"), day(31, h), 8, 1));
        }
        try (StatsDb db = open.get()) {
            new Indexer(db, c.source()).catchUp();
            new SnapshotStore(db).insertAll(polls);
            MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, PeriodSpec.parse("2026-05-31", "2026-05-31"), null, Duration.ofDays(1));
            Leaderboard board = r.current().providers();
            assertThat(board.providers()).isEqualTo(3);

            // Earnings in the period (h5, h6, h7): pB 300 × 3 = 900 uusd; pA 100 × 3 = 300; pC 50 × 2 = 100 (closed
            // at h6; paid 150 for h4..h6, the 150 it accrued, so no settlement correction).
            assertThat(board.rows())
                    .extracting(Leaderboard.Row::rank, Leaderboard.Row::provider, Leaderboard.Row::earningsUsd)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, c.addr("pB").toString(), new BigDecimal("0.0009")),
                            org.assertj.core.groups.Tuple.tuple(2, c.addr("pA").toString(), new BigDecimal("0.0003")),
                            org.assertj.core.groups.Tuple.tuple(3, c.addr("pC").toString(), new BigDecimal("0.0001")));
            Leaderboard.Row b = board.rows().get(0);
            Leaderboard.Row a = board.rows().get(1);
            Leaderboard.Row cc = board.rows().get(2);
            assertThat(b.earningsMicroByDenom()).isEqualTo(Map.of("uusd", new BigDecimal("900")));
            assertThat(b.hostUri()).isEqualTo("https://pb.example.com:8443");
            // Open at h7: L1 (pA), L2 (pB, 1 GPU); L3 closed.
            assertThat(List.of(a.activeLeases(), b.activeLeases(), cc.activeLeases()))
                    .containsExactly(1L, 1L, 0L);
            assertThat(List.of(a.gpusLeased(), b.gpusLeased(), cc.gpusLeased())).containsExactly(0L, 1L, 0L);
            // Last answers before 06-01 00:00 within 3 hours (the 21:00 ones): pB 8 H100s, 1 allocated; pA none; pC
            // not polled.
            assertThat(b.gpuCapacity()).isEqualTo(8);
            assertThat(b.gpusAllocated()).isEqualTo(1);
            assertThat(a.gpuCapacity()).isZero();
            assertThat(cc.gpuCapacity()).isNull();
            // Uptime, polls answered over polls: pA 1 day (05-31) 2 / 4 = 50%; 7 days (05-25..31) 22 / 28 = 78.57%;
            // 30 days (05-02..31) 114 / 120 = 95%. pB 4 / 4 in each window; pC never polled.
            assertThat(a.uptimePct())
                    .containsExactly(new BigDecimal("50.00"), new BigDecimal("78.57"), new BigDecimal("95.00"));
            assertThat(b.uptimePct())
                    .containsExactly(new BigDecimal("100.00"), new BigDecimal("100.00"), new BigDecimal("100.00"));
            assertThat(cc.uptimePct()).containsExactly(null, null, null);

            // The same uptime for tenants, up to the latest poll (05-31 21:00): the windows then hold the same polls.
            dev.vyoma.stats.metrics.ProviderUptime now = q.uptimeNow().orElseThrow();
            assertThat(now.endMillis()).isEqualTo(day(31, 21) + 1);
            assertThat(now.providers()).isEqualTo(3);
            Map<String, dev.vyoma.stats.metrics.ProviderUptime.Row> byProvider = new java.util.HashMap<>();
            now.rows().forEach(row -> byProvider.put(row.provider(), row));
            assertThat(byProvider.get(c.addr("pA").toString()).uptimePct()).isEqualTo(a.uptimePct());
            assertThat(byProvider.get(c.addr("pA").toString()).polls()).containsExactly(4L, 28L, 120L);
            assertThat(byProvider.get(c.addr("pB").toString()).uptimePct()).isEqualTo(b.uptimePct());
            assertThat(byProvider.get(c.addr("pC").toString()).uptimePct()).containsExactly(null, null, null);
            assertThat(byProvider.get(c.addr("pC").toString()).hostUri()).isEqualTo("https://pc.example.com:8443");
            // Up to 05-31 09:00 (the end is exclusive): the day holds 05-30 09:00, 15:00, 21:00 and 05-31 03:00, all
            // answered; the failed 09:00 poll is not in it yet.
            dev.vyoma.stats.metrics.ProviderUptime.Row earlier = q.uptimeAt(day(31, 9)).rows().stream()
                    .filter(row -> row.provider().equals(c.addr("pA").toString()))
                    .findFirst()
                    .orElseThrow();
            assertThat(earlier.uptimePct().get(0)).isEqualTo(new BigDecimal("100.00"));
            assertThat(earlier.polls().get(0)).isEqualTo(4L);
            Map<String, Object> json = now.only(c.addr("pA").toString()).json();
            assertThat(json.get("asOf")).isEqualTo("2026-05-31T21:00:00.001Z");
            assertThat(json.get("providers")).isEqualTo(3);
            assertThat(json.get("items").toString())
                    .contains("uptimePct={24h=50.00, 7d=78.57, 30d=95.00}")
                    .contains("polls={24h=4, 7d=28, 30d=120}");

            assertThat(ReportView.markdown(r, "t", List.of()))
                    .contains("## Providers by earnings")
                    .contains("| 1 | pb.example.com (" + c.addr("pB").toString().substring(0, 10))
                    .contains("| 0.00 | 1 | 1 | 1 / 8 | 100.00% | 100.00% | 100.00% |")
                    .contains("| 78.57% | 95.00% |");
        }
    }
}

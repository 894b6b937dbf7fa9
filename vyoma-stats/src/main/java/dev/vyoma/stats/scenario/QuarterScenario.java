package dev.vyoma.stats.scenario;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.store.StatsDb;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two quarters scripted through the real ledger, shaped like a real one: from 2025-10-01 to 2026-03-31, one block
 * an hour; in Q4 three short (5-day) CPU leases a day, in Q1 two a day of which one is a longer (20-day) GPU lease,
 * so new leases fall while active leases, revenue and GPU use rise. Providers join during the quarters; each
 * answers a status poll at 23:00 every day with 8 H100s, in use as many as its active GPU leases, and CPU, memory
 * and storage allocated as its leases hold them. Nothing is
 * random: the same run gives the same report.
 */
public final class QuarterScenario {
    static final long HOUR = 3_600_000L;
    static final long START = Instant.parse("2025-10-01T00:00:00Z").toEpochMilli();
    static final int DAYS = 182;
    static final int Q1_DAY = 92;

    private QuarterScenario() {}

    private record Running(BidId lease, String tenant, String provider, boolean gpu, long closeAtHour) {}

    /** Builds the chain, indexes it into {@code db} with the snapshots, and reports 2026 Q1 against 2025 Q4. */
    public static Report indexAndReport(StatsDb db) throws SQLException {
        List<String> tenants = List.of("tenant-a", "tenant-b", "tenant-c", "tenant-d");
        List<String> providers = List.of("provider-1", "provider-2", "provider-3", "provider-4");
        int[] joinDay = {0, 0, 60, 120};
        List<String> accounts = new ArrayList<>(tenants);
        accounts.addAll(providers);
        ScriptedChain c = new ScriptedChain(
                "vyoma-example-quarters",
                START,
                accounts,
                List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000L)));
        List<GroupSpec> cpu = ScriptedChain.groups("2", "4Gi", "20Gi", 0, "", 1, "2000");
        List<GroupSpec> gpu = ScriptedChain.groups("8", "64Gi", "100Gi", 1, "h100", 1, "30000");
        List<Running> running = new ArrayList<>();
        List<Running> toLease = new ArrayList<>();
        List<CapacitySnapshot> snapshots = new ArrayList<>();
        Map<String, Long> dseq = new HashMap<>();
        int next = 0;
        for (long hour = 1; hour <= DAYS * 24L; hour++) {
            int day = (int) ((hour - 1) / 24);
            int hourOfDay = (int) (hour % 24);
            for (Running r : toLease) {
                c.tx(r.tenant(), new Msg.CreateLease(r.lease()));
                running.add(r);
            }
            toLease.clear();
            for (int p = 0; p < providers.size(); p++) {
                if (joinDay[p] == day && hourOfDay == 1) {
                    c.createProvider(providers.get(p), "https://" + providers.get(p) + ".example.com:8443", "h100");
                }
            }
            int perDay = day < Q1_DAY ? 3 : 2;
            if (hourOfDay >= 2 && hourOfDay < 2 + perDay && day > 0) {
                boolean isGpu = day >= Q1_DAY ? hourOfDay == 2 : day % 3 == 0 && hourOfDay == 2;
                String tenant = tenants.get(next % tenants.size());
                List<String> live = new ArrayList<>();
                for (int p = 0; p < providers.size(); p++) {
                    if (joinDay[p] < day) {
                        live.add(providers.get(p));
                    }
                }
                String provider = live.get(next % live.size());
                next++;
                long seq = dseq.merge(tenant, 1L, Long::sum);
                long days = isGpu ? (day >= Q1_DAY ? 20 : 5) : 5;
                DeploymentId d =
                        c.createDeployment(tenant, seq, isGpu ? gpu : cpu, isGpu ? 20_000_000_000L : 5_000_000_000L);
                BidId bid = c.bid(provider, d, 1, 1, isGpu ? "25000" : "1500");
                toLease.add(new Running(bid, tenant, provider, isGpu, hour + 1 + days * 24));
            }
            List<Running> still = new ArrayList<>();
            for (Running r : running) {
                if (r.closeAtHour() == hour) {
                    c.tx(r.tenant(), new Msg.CloseDeployment(r.lease().deployment()));
                } else {
                    if ((hour - r.closeAtHour()) % (24 * 7) == 0) {
                        c.tx(r.provider(), new Msg.WithdrawLease(r.lease()));
                    }
                    still.add(r);
                }
            }
            running = still;
            c.block(START + hour * HOUR);
            if (hourOfDay == 23) {
                for (int p = 0; p < providers.size(); p++) {
                    if (joinDay[p] <= day) {
                        String name = providers.get(p);
                        long used = running.stream()
                                .filter(r -> r.gpu() && r.provider().equals(name))
                                .count();
                        // What its leases hold: a GPU lease 8 cores, 64Gi, 100Gi; a CPU lease 2 cores, 4Gi, 20Gi.
                        long cpuLeases = running.stream()
                                        .filter(r -> r.provider().equals(name))
                                        .count()
                                - used;
                        snapshots.add(new CapacitySnapshot(
                                c.addr(name),
                                START + hour * HOUR,
                                true,
                                null,
                                "declared",
                                running.stream()
                                        .filter(r -> r.provider().equals(name))
                                        .count(),
                                new CapacitySnapshot.Resource(128_000, 128_000, used * 8_000 + cpuLeases * 2_000),
                                new CapacitySnapshot.Resource(1L << 40, 1L << 40, (used * 64 + cpuLeases * 4) << 30),
                                new CapacitySnapshot.Resource(
                                        20L << 40, 20L << 40, (used * 100 + cpuLeases * 20) << 30),
                                List.of(new CapacitySnapshot.GpuModel(
                                        "nvidia",
                                        "h100",
                                        "80Gi",
                                        "sxm",
                                        new CapacitySnapshot.Resource(8, 8, Math.min(8, used))))));
                    }
                }
            }
        }
        c.block(START + (DAYS * 24L + 1) * HOUR);
        new Indexer(db, c.source()).catchUp();
        SnapshotStore store = new SnapshotStore(db);
        for (CapacitySnapshot s : snapshots) {
            store.insert(s);
        }
        MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
        PeriodSpec q1 = PeriodSpec.parse("2026-Q1");
        return Report.of(q, q1, q1.previous(), Duration.ofDays(1));
    }
}

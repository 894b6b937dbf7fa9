package dev.vyoma.stats.bench;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.scenario.ScriptedChain;
import dev.vyoma.stats.store.StatsDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The module's two benchmarks. {@link #report}: a DuckDB database filled with synthetic rows (two quarters of
 * 6-second blocks, {@code leases} leases with random start and length, {@code payments} payments), then the
 * quarter-over-quarter report timed (best of {@code runs}). {@link #indexing}: a chain scripted through the real
 * ledger (a lease opened, withdrawn from and closed every few blocks) indexed from a {@code LedgerSource}, in
 * blocks per second.
 */
public final class StatsBench {
    /** Seconds between synthetic blocks, as on a production network. */
    public static final int BLOCK_SECONDS = 6;

    private StatsBench() {}

    /** What the report benchmark measured. */
    public record ReportResult(
            long blocks, long leases, long payments, double fillSeconds, double reportSeconds, long newLeases) {}

    /** What the indexing benchmark measured. */
    public record IndexResult(long blocks, long leases, long events, double seconds, double blocksPerSecond) {}

    /**
     * Fills {@code db} (DuckDB, empty) with {@code leases} leases and {@code payments} payments over two
     * quarters from 2025-10-01, then times the report of 2026 Q1 against the previous 90 days.
     */
    public static ReportResult report(StatsDb db, long leases, long payments, int runs) throws SQLException {
        if (db.dialect() != StatsDb.Dialect.DUCKDB) {
            throw new IllegalArgumentException("the report benchmark fills a DuckDB database (duckdb:PATH)");
        }
        long t0 = Instant.parse("2025-10-01T00:00:00Z").toEpochMilli();
        long blocks = 182L * 86_400 / BLOCK_SECONDS;
        long fill = System.nanoTime();
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO block SELECT i, " + t0 + " + i * " + BLOCK_SECONDS * 1000L
                    + ", 'h' || i FROM range(1, " + (blocks + 1) + ") t(i)");
            // Start anywhere in the two quarters; last 1 to ~35 days; a third still open at the end.
            s.execute("INSERT INTO lease (lease_id, owner, provider, denom, price, created_height, created_ms,"
                    + " closed_height, closed_ms, close_reason, cpu_millis, memory_bytes, storage_bytes,"
                    + " gpu_units, paid_micro) SELECT 'lease-' || i, 'owner-' || (i % 5000), 'provider-' || (i % 200), 'uusd',"
                    + " CAST(CAST(1 + i % 997 AS VARCHAR) || '.123456789012345678' AS DECIMAL(38,18)),"
                    + " h, " + t0 + " + h * " + BLOCK_SECONDS * 1000L + ","
                    + " CASE WHEN i % 3 = 0 OR h + len > " + blocks + " THEN NULL ELSE h + len END,"
                    + " CASE WHEN i % 3 = 0 OR h + len > " + blocks + " THEN NULL ELSE " + t0
                    + " + (h + len) * "
                    + BLOCK_SECONDS * 1000L + " END,"
                    + " CASE WHEN i % 3 = 0 OR h + len > " + blocks + " THEN NULL ELSE 1 END,"
                    + " 1000 * (1 + i % 8), (1 + i % 16) * 1073741824, (1 + i % 50) * 1073741824, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,"
                    + " (i % 1000) * 1000"
                    + " FROM (SELECT i, 1 + (i * 2654435761) % " + blocks
                    + " AS h, 1 + (i * 40503) % 500000 AS len"
                    + " FROM range(0, " + leases + ") t(i))");
            s.execute("INSERT INTO payment SELECT h, CAST(i // " + blocks + " AS INTEGER), " + t0 + " + h * "
                    + BLOCK_SECONDS * 1000L + ", 'lease-' || (i % " + leases + "), 'provider-' || (i % 200), 'uusd',"
                    + " 1 + i % 100000 FROM (SELECT i, 1 + i % " + blocks + " AS h FROM range(0, " + payments
                    + ") t(i))");
        }
        double fillSeconds = (System.nanoTime() - fill) / 1e9;
        MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
        PeriodSpec quarter = PeriodSpec.parse("2026-01-01", "2026-03-31");
        double best = Double.MAX_VALUE;
        Report r = null;
        for (int i = 0; i < Math.max(1, runs); i++) {
            long start = System.nanoTime();
            r = Report.of(q, quarter, quarter.previous(), Duration.ofDays(1));
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return new ReportResult(
                blocks,
                leases,
                payments,
                fillSeconds,
                best,
                r.current().value(Metric.NEW_LEASES).longValueExact());
    }

    /**
     * Scripts {@code blocks} blocks through the real ledger (every 4th block opens a lease, a provider withdraws and
     * a tenant closes leases as they age), then indexes them into {@code db} and returns the rate.
     */
    public static IndexResult indexing(StatsDb db, int blocks) {
        Market m = market(blocks);
        ScriptedChain c = m.chain();
        long events = 0;
        for (long h = 1; h <= c.height(); h++) {
            events += c.source().block(h).orElseThrow().events().size();
        }
        Indexer indexer = new Indexer(db, c.source());
        long start = System.nanoTime();
        long n = indexer.catchUp();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new IndexResult(n, m.leases(), events, seconds, n / seconds);
    }

    /** A scripted market chain and how many leases it opened. */
    public record Market(ScriptedChain chain, long leases) {}

    /**
     * The chain {@link #indexing} indexes: {@code blocks} 6-second blocks through the real ledger, every 4th opening
     * a lease, a provider withdrawing every 10th, tenants closing leases as they age.
     */
    public static Market market(int blocks) {
        long t0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tenants.add("tenant" + i);
        }
        List<String> accounts = new ArrayList<>(tenants);
        accounts.add("provider");
        ScriptedChain c = new ScriptedChain(
                "vyoma-stats-bench",
                t0,
                accounts,
                List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000L)));
        c.createProvider("provider", "https://provider.example.com:8443");
        c.block(t0 + BLOCK_SECONDS * 1000L);
        GroupSpec spec = ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "10").get(0);
        List<BidId> open = new ArrayList<>();
        List<DeploymentId> pendingDeployments = new ArrayList<>();
        long dseq = 0;
        long leases = 0;
        while (c.height() < blocks) {
            long h = c.height() + 1;
            for (DeploymentId d : pendingDeployments) {
                BidId bid = new BidId(
                        new dev.vyoma.ledger.market.OrderId(new dev.vyoma.ledger.deployment.GroupId(d, 1), 1),
                        c.addr("provider"));
                c.tx(tenantOf(d, c, tenants), new Msg.CreateLease(bid));
                open.add(bid);
                leases++;
            }
            pendingDeployments.clear();
            if (h % 4 == 0) {
                String tenant = tenants.get((int) (dseq % tenants.size()));
                DeploymentId d = c.createDeployment(tenant, ++dseq, List.of(spec), 5_000_000);
                c.bid("provider", d, 1, 1, "2.5");
                pendingDeployments.add(d);
            }
            if (h % 10 == 0 && !open.isEmpty()) {
                c.tx("provider", new Msg.WithdrawLease(open.get((int) (h % open.size()))));
            }
            if (open.size() > 20) {
                BidId oldest = open.remove(0);
                c.tx(tenantOf(oldest.deployment(), c, tenants), new Msg.CloseDeployment(oldest.deployment()));
            }
            c.block(t0 + h * BLOCK_SECONDS * 1000L);
        }
        return new Market(c, leases);
    }

    private static String tenantOf(DeploymentId d, ScriptedChain c, List<String> tenants) {
        for (String t : tenants) {
            if (c.addr(t).equals(d.owner())) {
                return t;
            }
        }
        throw new IllegalStateException("no tenant owns " + d);
    }
}

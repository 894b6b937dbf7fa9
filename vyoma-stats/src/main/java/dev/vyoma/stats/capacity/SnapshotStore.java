package dev.vyoma.stats.capacity;

import dev.vyoma.stats.store.BulkInsert;
import dev.vyoma.stats.store.StatsDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Writes capacity snapshots (one SQL transaction each, with its GPUs) and lists the providers to poll. */
public final class SnapshotStore {
    private final StatsDb db;

    public SnapshotStore(StatsDb db) {
        this.db = db;
    }

    /** A registered provider and the host its gateway answers on. */
    public record Registered(String owner, String hostUri) {}

    /** Providers registered on chain now (not deleted), with a host, in address order. */
    public List<Registered> registered() throws SQLException {
        try (Connection c = db.connection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT owner, host_uri FROM provider WHERE deleted_height IS NULL AND host_uri <> '' ORDER BY owner");
                ResultSet r = s.executeQuery()) {
            List<Registered> out = new ArrayList<>();
            while (r.next()) {
                out.add(new Registered(r.getString(1), r.getString(2)));
            }
            return out;
        }
    }

    private static final List<String> SNAPSHOT_COLUMNS = List.of(
            "provider",
            "time_ms",
            "ok",
            "error",
            "inventory",
            "active_leases",
            "cpu_total",
            "cpu_allocatable",
            "cpu_allocated",
            "memory_total",
            "memory_allocatable",
            "memory_allocated",
            "storage_total",
            "storage_allocatable",
            "storage_allocated",
            "cpu_reserved",
            "memory_reserved",
            "storage_reserved");

    private static final List<String> GPU_COLUMNS = List.of(
            "provider",
            "time_ms",
            "vendor",
            "model",
            "vram",
            "interface",
            "total",
            "allocatable",
            "allocated",
            "reserved");

    private static Object[] snapshotRow(CapacitySnapshot s) {
        List<Object> row = new ArrayList<>(List.of(s.provider().toString(), s.timeMillis(), s.ok()));
        row.add(s.error());
        row.add(s.inventory());
        row.add(s.activeLeases());
        for (CapacitySnapshot.Resource r : List.of(s.cpu(), s.memory(), s.storage())) {
            row.add(r.total());
            row.add(r.allocatable());
            row.add(r.allocated());
        }
        for (CapacitySnapshot.Resource r : List.of(s.cpu(), s.memory(), s.storage())) {
            row.add(r.reserved());
        }
        return row.toArray();
    }

    private static List<Object[]> gpuRows(CapacitySnapshot s) {
        List<Object[]> rows = new ArrayList<>();
        for (CapacitySnapshot.GpuModel g : s.gpus()) {
            rows.add(new Object[] {
                s.provider().toString(),
                s.timeMillis(),
                g.vendor(),
                g.model(),
                g.vram(),
                g.iface(),
                g.count().total(),
                g.count().allocatable(),
                g.count().allocated(),
                g.count().reserved()
            });
        }
        return rows;
    }

    /**
     * Stores many new snapshots in one transaction, in bulk (a simulator's, or an import): all or none. Unlike
     * {@link #insert}, a snapshot already stored is an error, not ignored.
     */
    public void insertAll(List<CapacitySnapshot> snapshots) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> gpus = new ArrayList<>();
        for (CapacitySnapshot s : snapshots) {
            rows.add(snapshotRow(s));
            gpus.addAll(gpuRows(s));
        }
        inTransaction(c -> {
            BulkInsert.rows(c, db.dialect(), "provider_snapshot", SNAPSHOT_COLUMNS, "", rows);
            BulkInsert.rows(c, db.dialect(), "provider_snapshot_gpu", GPU_COLUMNS, "", gpus);
        });
    }

    /** Stores a snapshot; a second one for the same provider and millisecond is ignored. */
    public void insert(CapacitySnapshot s) throws SQLException {
        inTransaction(c -> {
            String sql = "INSERT INTO provider_snapshot (" + String.join(", ", SNAPSHOT_COLUMNS) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(SNAPSHOT_COLUMNS.size(), "?"))
                    + ") ON CONFLICT (provider, time_ms) DO NOTHING";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                Object[] row = snapshotRow(s);
                for (int i = 0; i < row.length; i++) {
                    BulkInsert.bind(p, i + 1, row[i]);
                }
                if (p.executeUpdate() == 0) {
                    return;
                }
            }
            // A few rows: one statement (the bulk path's staging table is for many).
            BulkInsert.valueRows(
                    c,
                    "INSERT INTO provider_snapshot_gpu (" + String.join(", ", GPU_COLUMNS) + ") VALUES ",
                    "",
                    gpuRows(s));
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    private void inTransaction(Work work) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

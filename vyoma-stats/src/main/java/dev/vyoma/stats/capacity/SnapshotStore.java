package dev.vyoma.stats.capacity;

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

    /**
     * Stores many new snapshots in one transaction, in bulk (a simulator's, or an import): all or none. Unlike
     * {@link #insert}, a snapshot already stored is an error, not ignored.
     */
    public void insertAll(List<CapacitySnapshot> snapshots) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> gpus = new ArrayList<>();
        for (CapacitySnapshot s : snapshots) {
            List<Object> row = new ArrayList<>(List.of(s.provider().toString(), s.timeMillis(), s.ok()));
            row.add(s.error());
            row.add(s.inventory());
            row.add(s.activeLeases());
            for (CapacitySnapshot.Resource r : List.of(s.cpu(), s.memory(), s.storage())) {
                row.add(r.total());
                row.add(r.allocatable());
                row.add(r.allocated());
            }
            rows.add(row.toArray());
            for (CapacitySnapshot.GpuModel g : s.gpus()) {
                gpus.add(new Object[] {
                    s.provider().toString(),
                    s.timeMillis(),
                    g.vendor(),
                    g.model(),
                    g.vram(),
                    g.iface(),
                    g.count().total(),
                    g.count().allocatable(),
                    g.count().allocated()
                });
            }
        }
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                dev.vyoma.stats.store.BulkInsert.rows(
                        c,
                        db.dialect(),
                        "provider_snapshot",
                        List.of(
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
                                "storage_allocated"),
                        "",
                        rows);
                dev.vyoma.stats.store.BulkInsert.rows(
                        c,
                        db.dialect(),
                        "provider_snapshot_gpu",
                        List.of(
                                "provider",
                                "time_ms",
                                "vendor",
                                "model",
                                "vram",
                                "interface",
                                "total",
                                "allocatable",
                                "allocated"),
                        "",
                        gpus);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Stores a snapshot; a second one for the same provider and millisecond is ignored. */
    public void insert(CapacitySnapshot s) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO provider_snapshot (provider, time_ms, ok,"
                                + " error, inventory, active_leases, cpu_total, cpu_allocatable, cpu_allocated, memory_total,"
                                + " memory_allocatable, memory_allocated, storage_total, storage_allocatable, storage_allocated)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, time_ms) DO NOTHING")) {
                    p.setString(1, s.provider().toString());
                    p.setLong(2, s.timeMillis());
                    p.setBoolean(3, s.ok());
                    p.setString(4, s.error());
                    p.setString(5, s.inventory());
                    p.setLong(6, s.activeLeases());
                    int i = 7;
                    for (CapacitySnapshot.Resource r : List.of(s.cpu(), s.memory(), s.storage())) {
                        p.setLong(i++, r.total());
                        p.setLong(i++, r.allocatable());
                        p.setLong(i++, r.allocated());
                    }
                    if (p.executeUpdate() == 0) {
                        c.rollback();
                        return;
                    }
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO provider_snapshot_gpu (provider, time_ms,"
                                + " vendor, model, vram, interface, total, allocatable, allocated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (CapacitySnapshot.GpuModel g : s.gpus()) {
                        p.setString(1, s.provider().toString());
                        p.setLong(2, s.timeMillis());
                        p.setString(3, g.vendor());
                        p.setString(4, g.model());
                        p.setString(5, g.vram());
                        p.setString(6, g.iface());
                        p.setLong(7, g.count().total());
                        p.setLong(8, g.count().allocatable());
                        p.setLong(9, g.count().allocated());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

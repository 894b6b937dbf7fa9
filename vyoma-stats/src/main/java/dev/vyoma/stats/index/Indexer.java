package dev.vyoma.stats.index;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.stats.source.ChainSource;
import dev.vyoma.stats.source.ChainSource.ChainBlock;
import dev.vyoma.stats.source.SourceException;
import dev.vyoma.stats.store.BulkInsert;
import dev.vyoma.stats.store.StatsDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a chain source into the statistics database. Driven, not self-propelled: {@link #poll()} indexes the
 * blocks that are available (at most a batch, {@link #MAX_BLOCKS_PER_BATCH} unless given) in one SQL transaction
 * that also moves the cursor, and returns how many; the caller decides when to poll again. A block at or below the
 * cursor is not written again (its hash must match what was indexed); a block that does not follow the cursor is
 * refused.
 */
public final class Indexer {
    /** Most blocks written in one SQL transaction, by default (a node's range reads are as long). */
    public static final int MAX_BLOCKS_PER_BATCH = 1_000;

    /**
     * Most blocks in one SQL transaction for a source in this process ({@link dev.vyoma.stats.source.LedgerSource}),
     * whose blocks are already in memory: each transaction costs its statements and a commit whatever it holds, and a
     * simulated quarter is 1.44 million blocks.
     */
    public static final int IN_PROCESS_BLOCKS_PER_BATCH = 100_000;

    /** Group resources remembered; beyond it the least recently used is looked up again. */
    private static final int GROUP_CACHE_ENTRIES = 10_000;

    private final StatsDb db;
    private final ChainSource source;
    private final Map<GroupId, LeaseResources> groups = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GroupId, LeaseResources> eldest) {
            return size() > GROUP_CACHE_ENTRIES;
        }
    };
    private final int blocksPerBatch;
    private boolean checked;

    public Indexer(StatsDb db, ChainSource source) {
        this(db, source, MAX_BLOCKS_PER_BATCH);
    }

    /** An indexer that writes at most {@code blocksPerBatch} blocks in one SQL transaction. */
    public Indexer(StatsDb db, ChainSource source, int blocksPerBatch) {
        if (blocksPerBatch < 1) {
            throw new IllegalArgumentException("blocks per batch must be 1 or more, got " + blocksPerBatch);
        }
        this.db = db;
        this.source = source;
        this.blocksPerBatch = blocksPerBatch;
    }

    /** The indexed height (0 before the first block). */
    public long height() {
        try (Connection c = db.connection()) {
            return cursor(c).height;
        } catch (SQLException e) {
            throw new IndexException("cannot read the cursor: " + e.getMessage(), e);
        }
    }

    /** Indexes the next available blocks (up to one batch) and returns how many it wrote. */
    public int poll() {
        long from = height() + 1;
        if (!checked) {
            checkSameChain(from - 1);
            checked = true;
        }
        long latest = source.latestHeight();
        long to = Math.min(latest, from + blocksPerBatch - 1);
        List<ChainBlock> batch = new ArrayList<>();
        for (long h = from; h <= to; ) {
            List<ChainBlock> got = source.blocks(h, to);
            if (got.isEmpty()) {
                break;
            }
            for (ChainBlock b : got) {
                if (b.height() != h || h > to) {
                    throw new SourceException("asked for blocks " + from + " to " + to + ", the chain answered block "
                            + b.height() + " where " + h + " was next");
                }
                batch.add(b);
                h++;
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        return write(batch);
    }

    /** Polls until no block is left to index; returns how many blocks it wrote. */
    public long catchUp() {
        long total = 0;
        int n;
        while ((n = poll()) > 0) {
            total += n;
        }
        return total;
    }

    /**
     * Indexes one block: written if it follows the cursor, left alone (after its hash is compared) if it was
     * indexed before. Returns whether it was written.
     */
    public boolean index(ChainBlock block) {
        return write(List.of(block)) == 1;
    }

    private void checkSameChain(long cursorHeight) {
        try (Connection c = db.connection()) {
            Cursor cur = cursor(c);
            String chain = source.chainId();
            if (cur.chainId != null && !cur.chainId.equals(chain)) {
                throw new IndexException("the database holds chain " + cur.chainId + " but the node serves " + chain
                        + "; index each chain into its own database");
            }
            if (cursorHeight > 0) {
                ChainBlock b = source.block(cursorHeight).orElse(null);
                if (b == null || !b.hashHex().equals(cur.hash)) {
                    throw new IndexException("block " + cursorHeight + " of the chain differs from the one indexed"
                            + " (a new devnet with the same chain id?); index it into a fresh database");
                }
            }
        } catch (SQLException e) {
            throw new IndexException("cannot read the cursor: " + e.getMessage(), e);
        }
    }

    /** What the events of a batch need from the chain, looked up before the transaction opens. */
    private record Lookups(Map<GroupId, LeaseResources> groups, Map<Address, String> hosts) {}

    private Lookups lookups(List<ChainBlock> batch) {
        Map<GroupId, LeaseResources> g = new HashMap<>();
        Map<Address, String> hosts = new HashMap<>();
        for (ChainBlock b : batch) {
            for (Event e : b.events()) {
                switch (e) {
                    case Event.LeaseCreated lc -> {
                        GroupId id = lc.id().order().group();
                        g.computeIfAbsent(id, this::resources);
                    }
                    case Event.BidCreated bc -> {
                        GroupId id = bc.id().order().group();
                        g.computeIfAbsent(id, this::resources);
                    }
                    case Event.ProviderCreated pc -> hosts.computeIfAbsent(pc.owner(), this::host);
                    case Event.ProviderUpdated pu -> hosts.computeIfAbsent(pu.owner(), this::host);
                    default -> {}
                }
            }
        }
        return new Lookups(g, hosts);
    }

    private LeaseResources resources(GroupId id) {
        LeaseResources r = groups.get(id);
        if (r == null) {
            r = LeaseResources.of(source.group(id)
                    .orElseThrow(() -> new SourceException("the chain has no group " + id + " for a lease on it")));
            groups.put(id, r);
        }
        return r;
    }

    private String host(Address owner) {
        // A provider deleted since keeps an empty host: it is not polled.
        return source.providerHostUri(owner).orElse("");
    }

    private int write(List<ChainBlock> batch) {
        Lookups lookups = lookups(batch);
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                Cursor cur = cursor(c);
                String chainId = cur.chainId != null ? cur.chainId : source.chainId();
                long height = cur.height;
                String hash = cur.hash;
                int written = 0;
                Writer w = new Writer(c, db.dialect());
                for (ChainBlock b : batch) {
                    if (b.height() <= height) {
                        String had = blockHash(c, b.height());
                        if (had != null && !had.equals(b.hashHex())) {
                            throw new IndexException("block " + b.height() + " differs from the one indexed");
                        }
                        continue;
                    }
                    if (b.height() != height + 1) {
                        throw new IndexException(
                                "block " + b.height() + " does not follow the indexed height " + height);
                    }
                    w.block(b, lookups);
                    height = b.height();
                    hash = b.hashHex();
                    written++;
                }
                if (written > 0) {
                    w.flush();
                    saveCursor(c, cur.chainId == null, chainId, height, hash);
                }
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IndexException("writing blocks failed: " + e.getMessage(), e);
        }
    }

    private record Cursor(String chainId, long height, String hash) {}

    private static Cursor cursor(Connection c) throws SQLException {
        try (PreparedStatement s =
                        c.prepareStatement("SELECT chain_id, height, block_hash FROM indexer_cursor WHERE id = 1");
                ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return new Cursor(null, 0, "");
            }
            return new Cursor(r.getString(1), r.getLong(2), r.getString(3));
        }
    }

    private static void saveCursor(Connection c, boolean insert, String chainId, long height, String hash)
            throws SQLException {
        String sql = insert
                ? "INSERT INTO indexer_cursor (chain_id, height, block_hash, id) VALUES (?, ?, ?, ?)"
                : "UPDATE indexer_cursor SET chain_id = ?, height = ?, block_hash = ? WHERE id = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, chainId);
            s.setLong(2, height);
            s.setString(3, hash);
            s.setInt(4, 1);
            s.executeUpdate();
        }
    }

    private static String blockHash(Connection c, long height) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT hash FROM block WHERE height = ?")) {
            s.setLong(1, height);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** The rows of a batch, written in statement batches in an order that respects the events' order. */
    private static final class Writer {
        private final Connection c;
        private final StatsDb.Dialect dialect;
        private final List<Object[]> blocks = new ArrayList<>();
        private final List<Object[]> leases = new ArrayList<>();
        private final List<Object[]> bids = new ArrayList<>();
        private final List<Object[]> closes = new ArrayList<>();
        private final List<Object[]> payments = new ArrayList<>();
        private final Map<String, Long> paid = new LinkedHashMap<>();
        private final List<Object[]> providerOps = new ArrayList<>();

        Writer(Connection c, StatsDb.Dialect dialect) {
            this.c = c;
            this.dialect = dialect;
        }

        void block(ChainBlock b, Lookups lookups) {
            blocks.add(new Object[] {b.height(), b.timeMillis(), b.hashHex()});
            int seq = 0;
            for (Event e : b.events()) {
                switch (e) {
                    case Event.LeaseCreated lc -> {
                        LeaseResources r = lookups.groups().get(lc.id().order().group());
                        leases.add(new Object[] {
                            lc.id().toString(),
                            lc.id().deployment().owner().toString(),
                            lc.id().provider().toString(),
                            lc.price().denom(),
                            lc.price().amount(),
                            b.height(),
                            b.timeMillis(),
                            r.cpuMillis(),
                            r.memoryBytes(),
                            r.storageBytes(),
                            r.gpuUnits(),
                            r.gpuModel()
                        });
                    }
                    case Event.BidCreated bc -> {
                        // Only bids on groups that ask for GPUs: what GPU prices read; the rest would be most rows.
                        LeaseResources r = lookups.groups().get(bc.id().order().group());
                        if (r.gpuUnits() > 0) {
                            bids.add(new Object[] {
                                bc.id().toString(),
                                bc.id().provider().toString(),
                                bc.price().denom(),
                                bc.price().amount(),
                                b.height(),
                                b.timeMillis(),
                                r.gpuUnits(),
                                r.gpuModel()
                            });
                        }
                    }
                    case Event.LeaseClosed lc ->
                        closes.add(new Object[] {
                            b.height(),
                            b.timeMillis(),
                            lc.reason().code(),
                            lc.id().toString()
                        });
                    case Event.EscrowPayment p -> {
                        payments.add(new Object[] {
                            b.height(),
                            seq,
                            b.timeMillis(),
                            p.lease().toString(),
                            p.provider().toString(),
                            p.amount().denom(),
                            p.amount().amount()
                        });
                        paid.merge(p.lease().toString(), p.amount().amount(), Math::addExact);
                    }
                    case Event.ProviderCreated pc ->
                        providerOps.add(new Object[] {
                            "create", pc.owner().toString(), lookups.hosts().get(pc.owner()), b.height()
                        });
                    case Event.ProviderUpdated pu ->
                        providerOps.add(new Object[] {
                            "update", pu.owner().toString(), lookups.hosts().get(pu.owner()), b.height()
                        });
                    case Event.ProviderDeleted pd ->
                        providerOps.add(new Object[] {"delete", pd.owner().toString(), null, b.height()});
                    default -> {}
                }
                seq++;
            }
        }

        void flush() throws SQLException {
            BulkInsert.rows(c, dialect, "block", List.of("height", "time_ms", "hash"), "", blocks);
            BulkInsert.rows(
                    c,
                    dialect,
                    "lease",
                    List.of(
                            "lease_id",
                            "owner",
                            "provider",
                            "denom",
                            "price",
                            "created_height",
                            "created_ms",
                            "cpu_millis",
                            "memory_bytes",
                            "storage_bytes",
                            "gpu_units",
                            "gpu_model",
                            "paid_micro"),
                    "ON CONFLICT (lease_id) DO NOTHING",
                    withZero(leases));
            BulkInsert.rows(
                    c,
                    dialect,
                    "bid",
                    List.of(
                            "bid_id",
                            "provider",
                            "denom",
                            "price",
                            "created_height",
                            "created_ms",
                            "gpu_units",
                            "gpu_model"),
                    "ON CONFLICT (bid_id) DO NOTHING",
                    bids);
            BulkInsert.update(
                    c,
                    dialect,
                    "lease",
                    List.of("h", "ms", "r", "id"),
                    "closed_height = v.h, closed_ms = v.ms, close_reason = v.r",
                    "lease.lease_id = v.id",
                    closes);
            BulkInsert.rows(
                    c,
                    dialect,
                    "payment",
                    List.of("height", "seq", "time_ms", "lease_id", "provider", "denom", "amount"),
                    "ON CONFLICT (height, seq) DO NOTHING",
                    payments);
            List<Object[]> updates = new ArrayList<>();
            for (Map.Entry<String, Long> e : paid.entrySet()) {
                updates.add(new Object[] {e.getValue(), e.getKey()});
            }
            BulkInsert.update(
                    c,
                    dialect,
                    "lease",
                    List.of("amount", "id"),
                    "paid_micro = lease.paid_micro + v.amount",
                    "lease.lease_id = v.id",
                    updates);
            // provider holds each provider's present registration; provider_registration every one, so that a
            // provider deleted and registered again keeps the days it was registered before.
            for (Object[] op : providerOps) {
                switch ((String) op[0]) {
                    case "create" -> {
                        exec(
                                "INSERT INTO provider (owner, host_uri, created_height) VALUES (?, ?, ?)"
                                        + " ON CONFLICT (owner) DO UPDATE SET host_uri = excluded.host_uri,"
                                        + " created_height = excluded.created_height, deleted_height = NULL",
                                op[1],
                                op[2],
                                op[3]);
                        exec(
                                // Deleted and registered again in the block it was created in: registered
                                // from that block on (the metrics read the state at the end of a block).
                                "INSERT INTO provider_registration (owner, created_height) VALUES (?, ?)"
                                        + " ON CONFLICT (owner, created_height) DO UPDATE SET deleted_height = NULL",
                                op[1],
                                op[3]);
                    }
                    case "update" -> exec("UPDATE provider SET host_uri = ? WHERE owner = ?", op[2], op[1]);
                    default -> {
                        exec("UPDATE provider SET deleted_height = ? WHERE owner = ?", op[3], op[1]);
                        exec(
                                "UPDATE provider_registration SET deleted_height = ?"
                                        + " WHERE owner = ? AND deleted_height IS NULL",
                                op[3],
                                op[1]);
                    }
                }
            }
        }

        private void exec(String sql, Object... args) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                s.executeUpdate();
            }
        }

        private static List<Object[]> withZero(List<Object[]> rows) {
            List<Object[]> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                Object[] z = java.util.Arrays.copyOf(r, r.length + 1);
                z[r.length] = 0L;
                out.add(z);
            }
            return out;
        }

        private static void bind(PreparedStatement s, Object[] args) throws SQLException {
            for (int i = 0; i < args.length; i++) {
                BulkInsert.bind(s, i + 1, args[i]);
            }
        }
    }
}

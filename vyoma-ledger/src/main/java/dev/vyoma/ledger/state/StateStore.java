package dev.vyoma.ledger.state;

import dev.vyoma.ledger.codec.ByteSink;
import dev.vyoma.ledger.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All ledger tables, the undo log of the transaction in progress, and the state commitment. Single
 * writer: the ledger applies one block at a time on one thread.
 *
 * <p>The commitment is an {@link LtHash} over one element per entry, named by SHA-256 of the table's name,
 * the key's encoding and the value's encoding (each length-prefixed). Each row keeps the digest of the
 * element the commitment holds for it, so replacing a value never re-encodes or re-hashes the old one. The
 * cost follows the block's writes, not the state's size, and most of it is paid while the block goes on:
 *
 * <ul>
 *   <li>When a transaction commits and the store has more than one worker, each row it wrote for the first
 *       time in the block is folded at once on the {@link Workers} ({@link Workers#submit}): its committed
 *       element leaves the set and the element of its new value enters it (<em>speculated</em>), while the
 *       next transactions run. With one worker nothing would overlap, and every row waits for the end.
 *   <li>A row written again by a later transaction of the block takes its speculated element back out and
 *       waits for the end of the block (<em>deferred</em>), as does a row written outside a transaction.
 *   <li>At the end of the block ({@link #finishBlock}) the store waits for that work, folds the deferred
 *       rows in chunks ({@link Workers#run}), and adds every partial sum into the commitment.
 * </ul>
 *
 * Every piece of work adds into its own partial sum and sums commute, so the commitment is the same on
 * any workers. Indexes ({@link SortedIndex}, {@link GroupedIndex}) are derived from the tables and are not
 * part of the commitment.
 */
public final class StateStore {
    /** Version of the snapshot format written by {@link #exportSnapshot()}. */
    public static final int SNAPSHOT_VERSION = 2;

    /** A row not folded yet in this block: the commitment holds its committed element, if any. */
    static final byte UNFOLDED = 0;
    /** A row whose element for its value after its one writing transaction is in (or on its way into) the set. */
    static final byte SPECULATED = 1;
    /** A row of which the set holds nothing now; its final element enters at the end of the block. */
    static final byte OUT = 2;
    /** A row written outside a transaction: folded at the end of the block as a whole. */
    static final byte DEFERRED = 3;

    /** Row changes handed to the workers at once. */
    private static final int CHANGES_PER_BATCH = 64;

    /** Fewer rows than this are folded in one chunk: splitting them would cost more than it saves. */
    private static final int ROWS_PER_CHUNK_MIN = 64;

    /** Chunks per worker, so that a slow chunk does not leave the other workers idle. */
    private static final int CHUNKS_PER_WORKER = 4;

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Map<String, Table<?, ?>> tables = new TreeMap<>();
    private Workers workers;
    private ArrayList<Undo> undo = new ArrayList<>();
    private boolean inTransaction;
    private int txSeq;
    private LtHash commitment = new LtHash();

    /** Folders of this block's batches of changes (folder {@code i} for batch {@code i}), reused block to block. */
    private final ArrayList<Folder> batchFolders = new ArrayList<>();
    /** Folders of the end-of-block chunks (folder {@code i} for chunk {@code i}). */
    private Folder[] chunkFolders = new Folder[0];

    /** This block's submitted batches of changes, in order, and their handles. */
    private final ArrayList<List<Change>> batches = new ArrayList<>();

    private final ArrayList<Workers.Handle> handles = new ArrayList<>();
    private ArrayList<Change> batch = new ArrayList<>(CHANGES_PER_BATCH);

    private ArrayList<Table<?, ?>> foldTables = new ArrayList<>();
    private ArrayList<Row<?, ?>> foldRows = new ArrayList<>();

    private record Undo(Table<?, ?> table, Row<?, ?> row, Object before) {}

    /**
     * A row's change handed to a worker. Captured on the applying thread (the table, the row, the committed
     * digest and the values involved); the worker reads nothing mutable and writes only {@link #d0}..{@link
     * #same} and its folder's partial sum.
     */
    static final class Change {
        final Table<?, ?> table;
        final Row<?, ?> row;
        /** Speculate (take the committed element out, put {@link #value}'s in) or take {@link #value}'s out. */
        final boolean speculate;
        /** The committed element, to take out when speculating. */
        final boolean removeCommitted;

        final long c0;
        final long c1;
        final long c2;
        final long c3;
        /** The value whose element enters (speculating; null: the row was removed) or leaves. */
        final Object value;
        /** Result of speculating: the digest of {@link #value}'s element, or that it equals the committed one. */
        long d0;

        long d1;
        long d2;
        long d3;
        boolean same;

        Change(Table<?, ?> table, Row<?, ?> row, boolean speculate, Object value) {
            this.table = table;
            this.row = row;
            this.speculate = speculate;
            this.removeCommitted = speculate && row.committed;
            this.c0 = row.d0;
            this.c1 = row.d1;
            this.c2 = row.d2;
            this.c3 = row.d3;
            this.value = value;
        }
    }

    /** A store that folds its commitment on the calling thread until {@link #useWorkers} says otherwise. */
    public StateStore() {
        this.workers = Workers.inline();
    }

    /** Folds the commitment on {@code workers} from the next block on; the result does not depend on them. */
    public void useWorkers(Workers workers) {
        this.workers = java.util.Objects.requireNonNull(workers, "workers");
    }

    /** Creates the table {@code name}; every table is created once, before any block. */
    public <K extends Comparable<? super K>, V> Table<K, V> table(String name, Type keyType, Type valueType) {
        if (tables.containsKey(name)) {
            throw new IllegalStateException("table " + name + " exists");
        }
        Table<K, V> t = new Table<>(name, keyType, valueType, this);
        tables.put(name, t);
        return t;
    }

    void written(Table<?, ?> table, Row<?, ?> row, Object before) {
        if (inTransaction) {
            undo.add(new Undo(table, row, before));
            return;
        }
        // Outside a transaction (genesis, the block's own closes, the chain's meta row): the row is folded
        // at the end of the block, after taking back an element speculated for it.
        if (row.fold == SPECULATED) {
            unspeculate(table, row, before);
        }
        if (row.fold == UNFOLDED) {
            row.fold = DEFERRED;
        }
    }

    /** Starts a transaction: writes until {@link #commit} or {@link #rollback} are undoable. */
    public void begin() {
        if (inTransaction) {
            throw new IllegalStateException("nested transaction");
        }
        inTransaction = true;
        txSeq++;
        clearUndo();
    }

    /**
     * Keeps the transaction's writes, and starts folding the rows it changed: each row once, from its value
     * before the transaction (the first undo record of the row) to its value now.
     */
    public void commit() {
        // With one worker nothing would overlap: the rows are folded at the end of the block, each once.
        boolean speculate = workers.parallelism() > 1;
        for (int i = 0, n = undo.size(); i < n; i++) {
            Undo u = undo.get(i);
            Row<?, ?> r = u.row();
            if (r.txMark == txSeq) {
                continue;
            }
            r.txMark = txSeq;
            Object now = r.value;
            if (u.before() == now) {
                continue;
            }
            if (!speculate) {
                if (r.fold == UNFOLDED) {
                    r.fold = DEFERRED;
                }
            } else if (r.fold == UNFOLDED) {
                r.fold = SPECULATED;
                queue(new Change(u.table(), r, true, now));
            } else if (r.fold == SPECULATED) {
                unspeculate(u.table(), r, u.before());
            }
        }
        inTransaction = false;
        clearUndo();
    }

    /** A speculated row is written again: its element for {@code speculated} leaves the set; it waits for the end. */
    private void unspeculate(Table<?, ?> table, Row<?, ?> row, Object speculated) {
        row.fold = OUT;
        if (speculated != null) {
            queue(new Change(table, row, false, speculated));
        }
    }

    private void queue(Change change) {
        batch.add(change);
        if (batch.size() == CHANGES_PER_BATCH) {
            submitBatch();
        }
    }

    private void submitBatch() {
        List<Change> full = batch;
        batch = new ArrayList<>(CHANGES_PER_BATCH);
        int index = batches.size();
        if (index == batchFolders.size()) {
            batchFolders.add(new Folder());
        }
        Folder folder = batchFolders.get(index);
        batches.add(full);
        handles.add(workers.submit(() -> folder.fold(full)));
    }

    /** Undoes every write since {@link #begin}. */
    public void rollback() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            Undo u = undo.get(i);
            u.table().restore(u.row(), u.before());
        }
        clearUndo();
        inTransaction = false;
    }

    private void clearUndo() {
        if (undo.size() > 1 << 12) {
            undo = new ArrayList<>();
        } else {
            undo.clear();
        }
    }

    /**
     * Finishes folding the block's writes into the commitment: waits for the changes handed to the workers,
     * folds the rows written outside a transaction or by more than one, and adds every partial sum. For each
     * entry written, its element at the start of the block has left the set and its element now has entered
     * it. Returns the new commitment digest.
     */
    public byte[] finishBlock() {
        if (inTransaction) {
            throw new IllegalStateException("transaction still open at the end of a block");
        }
        if (!batch.isEmpty()) {
            submitBatch();
        }
        for (Workers.Handle h : handles) {
            h.await();
        }
        // Speculated rows that stayed so: the row now holds the element its change put in.
        for (List<Change> done : batches) {
            for (Change c : done) {
                Row<?, ?> r = c.row;
                if (!c.speculate || r.fold != SPECULATED || c.same) {
                    continue;
                }
                r.committed = c.value != null;
                r.d0 = c.d0;
                r.d1 = c.d1;
                r.d2 = c.d2;
                r.d3 = c.d3;
            }
        }
        for (Table<?, ?> t : tables.values()) {
            if (t.dirty()) {
                t.drainTouched(foldTables, foldRows);
            }
        }
        // The rows left for the end: OUT and DEFERRED ones, in chunks.
        int kept = 0;
        txSeq = 0;
        for (int i = 0, n = foldRows.size(); i < n; i++) {
            Row<?, ?> r = foldRows.get(i);
            r.txMark = 0;
            if (r.fold == OUT || r.fold == DEFERRED) {
                foldRows.set(kept, r);
                foldTables.set(kept, foldTables.get(i));
                kept++;
            } else if (r.value == null) {
                foldTables.get(i).unmap(r);
            }
            if (r.fold != OUT && r.fold != DEFERRED) {
                r.fold = UNFOLDED;
            }
        }
        int n = kept;
        int chunks = 0;
        if (n > 0) {
            chunks = (int)
                    Math.max(1, Math.min((long) workers.parallelism() * CHUNKS_PER_WORKER, n / ROWS_PER_CHUNK_MIN));
            if (chunkFolders.length < chunks) {
                Folder[] more = Arrays.copyOf(chunkFolders, chunks);
                for (int i = chunkFolders.length; i < chunks; i++) {
                    more[i] = new Folder();
                }
                chunkFolders = more;
            }
            int total = chunks;
            if (chunks == 1) {
                chunkFolders[0].fold(foldTables, foldRows, 0, n);
            } else {
                workers.run(
                        chunks, c -> chunkFolders[c].fold(foldTables, foldRows, c * n / total, (c + 1) * n / total));
            }
            for (int i = 0; i < n; i++) {
                Row<?, ?> r = foldRows.get(i);
                r.fold = UNFOLDED;
                foldTables.get(i).unmap(r);
            }
        }
        for (int c = 0; c < chunks; c++) {
            commitment.addAll(chunkFolders[c].partial);
            chunkFolders[c].partial.clear();
        }
        for (int i = 0; i < batches.size(); i++) {
            commitment.addAll(batchFolders.get(i).partial);
            batchFolders.get(i).partial.clear();
        }
        batches.clear();
        handles.clear();
        if (foldRows.size() > 1 << 14) {
            foldTables = new ArrayList<>();
            foldRows = new ArrayList<>();
        } else {
            foldTables.clear();
            foldRows.clear();
        }
        return commitment.digest();
    }

    /** Checks every table's indexes against its rows; see {@link Table#verifyIndexes()}. */
    public void verifyIndexes() {
        for (Table<?, ?> t : tables.values()) {
            t.verifyIndexes();
        }
    }

    /** The commitment digest as of the last finished block. */
    public byte[] commitment() {
        return commitment.digest();
    }

    /**
     * Every entry of every table, tables by name and entries in key order: a snapshot that {@link
     * #importSnapshot} reads, the same bytes on every node in the same state.
     */
    public byte[] exportSnapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteSink k = new ByteSink(64);
        ByteSink v = new ByteSink(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_VERSION);
            out.writeInt(tables.size());
            for (Table<?, ?> t : tables.values()) {
                out.writeUTF(t.name());
                List<? extends Map.Entry<?, ?>> entries = t.sorted();
                out.writeInt(entries.size());
                for (Map.Entry<?, ?> e : entries) {
                    k.reset();
                    v.reset();
                    t.encodeKey(e.getKey(), k);
                    t.encodeValue(e.getValue(), v);
                    out.writeInt(k.size());
                    out.write(k.array(), 0, k.size());
                    out.writeInt(v.size());
                    out.write(v.array(), 0, v.size());
                }
            }
            out.write(commitment.digest());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Loads a snapshot into this (empty) store and recomputes the commitment from the entries; fails if
     * it differs from the one the snapshot recorded.
     */
    public void importSnapshot(byte[] snapshot) {
        LtHash rebuilt = new LtHash();
        Folder importer = new Folder();
        long[] digest = new long[4];
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            int version = in.readInt();
            if (version != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("snapshot version " + version + " is not " + SNAPSHOT_VERSION);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                Table<?, ?> t = tables.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("snapshot has unknown table " + name);
                }
                if (t.size() != 0) {
                    throw new IllegalStateException("snapshot import into a non-empty table " + name);
                }
                int rows = in.readInt();
                for (int r = 0; r < rows; r++) {
                    byte[] k = in.readNBytes(in.readInt());
                    byte[] v = in.readNBytes(in.readInt());
                    byte[] d = importer.digest(t.nameBytes(), k, v);
                    for (int j = 0; j < 4; j++) {
                        digest[j] = (long) BIG_ENDIAN_LONG.get(d, j * 8);
                    }
                    t.load(Codec.decode(k, t.keyType()), Codec.decode(v, t.valueType()), digest);
                    rebuilt.addDigest(d);
                }
            }
            byte[] recorded = in.readNBytes(32);
            if (!Arrays.equals(recorded, rebuilt.digest())) {
                throw new IllegalArgumentException("snapshot entries do not match its recorded commitment");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated snapshot", e);
        }
        commitment = rebuilt;
    }

    /**
     * Folds a chunk of a block's rows into a partial sum, with its own buffers: element digests, the
     * rows' digest bookkeeping, and the expansions. Chunks hold distinct rows, so folders never share one.
     */
    static final class Folder {
        /** The chunk's elements added minus those removed; added to the commitment afterwards. */
        final LtHash partial = new LtHash();

        private final MessageDigest sha256;
        private final ByteSink sink = new ByteSink(512);
        /** The digest last computed by {@link #digest(Table, Object, Object)}. */
        private final byte[] current = new byte[LtHash.DIGEST_BYTES];

        private final byte[] stored = new byte[LtHash.DIGEST_BYTES];

        Folder() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has no SHA-256", e);
            }
        }

        /**
         * For rows {@code from} to {@code to}: a removed row's element leaves the set; a row whose element
         * changed leaves it with its old digest and enters it with the new one.
         */
        void fold(List<Table<?, ?>> tables, List<Row<?, ?>> rows, int from, int to) {
            for (int i = from; i < to; i++) {
                Row<?, ?> r = rows.get(i);
                // An OUT row's committed element has left the set already (by its speculated change).
                boolean held = r.committed && r.fold == DEFERRED;
                if (r.value == null) {
                    if (held) {
                        remove(r);
                    }
                    r.committed = false;
                    continue;
                }
                digest(tables.get(i), r.key, r.value);
                if (held) {
                    if (same(r)) {
                        continue;
                    }
                    remove(r);
                }
                add(r);
                r.committed = true;
            }
        }

        /** Folds a batch of changes handed over while the block went on. */
        void fold(List<Change> changes) {
            for (Change c : changes) {
                if (!c.speculate) {
                    digest(c.table, c.row.key, c.value);
                    partial.removeDigest(current);
                    continue;
                }
                if (c.value != null) {
                    digest(c.table, c.row.key, c.value);
                    long n0 = (long) BIG_ENDIAN_LONG.get(current, 0);
                    long n1 = (long) BIG_ENDIAN_LONG.get(current, 8);
                    long n2 = (long) BIG_ENDIAN_LONG.get(current, 16);
                    long n3 = (long) BIG_ENDIAN_LONG.get(current, 24);
                    if (c.removeCommitted && n0 == c.c0 && n1 == c.c1 && n2 == c.c2 && n3 == c.c3) {
                        c.same = true;
                        continue;
                    }
                    c.d0 = n0;
                    c.d1 = n1;
                    c.d2 = n2;
                    c.d3 = n3;
                    partial.addDigest(current);
                }
                if (c.removeCommitted) {
                    BIG_ENDIAN_LONG.set(stored, 0, c.c0);
                    BIG_ENDIAN_LONG.set(stored, 8, c.c1);
                    BIG_ENDIAN_LONG.set(stored, 16, c.c2);
                    BIG_ENDIAN_LONG.set(stored, 24, c.c3);
                    partial.removeDigest(stored);
                }
            }
        }

        /** Digests the element of a row: the table's name, the key and the value, each length-prefixed. */
        void digest(Table<?, ?> table, Object key, Object value) {
            ByteSink s = sink;
            s.reset();
            byte[] name = table.nameBytes();
            s.i32(name.length);
            s.raw(name, 0, name.length);
            int keyAt = s.size();
            s.i32(0);
            table.encodeKey(key, s);
            s.patchI32(keyAt, s.size() - keyAt - 4);
            int valueAt = s.size();
            s.i32(0);
            table.encodeValue(value, s);
            s.patchI32(valueAt, s.size() - valueAt - 4);
            sha256.update(s.array(), 0, s.size());
            finish(current);
        }

        /** Digests an element given as encoded bytes (snapshot import); returns a new array. */
        byte[] digest(byte[] name, byte[] k, byte[] v) {
            ByteSink s = sink;
            s.reset();
            s.i32(name.length);
            s.raw(name, 0, name.length);
            s.i32(k.length);
            s.raw(k, 0, k.length);
            s.i32(v.length);
            s.raw(v, 0, v.length);
            sha256.update(s.array(), 0, s.size());
            byte[] out = new byte[LtHash.DIGEST_BYTES];
            finish(out);
            return out;
        }

        private void finish(byte[] into) {
            try {
                sha256.digest(into, 0, into.length);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Whether the last computed digest is the one {@code row} holds in the commitment. */
        private boolean same(Row<?, ?> row) {
            return row.d0 == (long) BIG_ENDIAN_LONG.get(current, 0)
                    && row.d1 == (long) BIG_ENDIAN_LONG.get(current, 8)
                    && row.d2 == (long) BIG_ENDIAN_LONG.get(current, 16)
                    && row.d3 == (long) BIG_ENDIAN_LONG.get(current, 24);
        }

        /** Takes {@code row}'s committed element out of the partial sum. */
        private void remove(Row<?, ?> row) {
            BIG_ENDIAN_LONG.set(stored, 0, row.d0);
            BIG_ENDIAN_LONG.set(stored, 8, row.d1);
            BIG_ENDIAN_LONG.set(stored, 16, row.d2);
            BIG_ENDIAN_LONG.set(stored, 24, row.d3);
            partial.removeDigest(stored);
        }

        /** Puts the last computed digest into the partial sum as {@code row}'s element. */
        private void add(Row<?, ?> row) {
            row.d0 = (long) BIG_ENDIAN_LONG.get(current, 0);
            row.d1 = (long) BIG_ENDIAN_LONG.get(current, 8);
            row.d2 = (long) BIG_ENDIAN_LONG.get(current, 16);
            row.d3 = (long) BIG_ENDIAN_LONG.get(current, 24);
            partial.addDigest(current);
        }
    }
}

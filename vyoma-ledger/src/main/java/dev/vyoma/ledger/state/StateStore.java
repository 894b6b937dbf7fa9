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
 * element the commitment holds for it, so at the end of a block ({@link #finishBlock}) a changed row costs
 * one encoding and one SHA-256 of its new value and an expansion for each of the old and the new element;
 * rows written back to the value they had cost no expansion. The cost follows the block's writes, not the
 * state's size, and the rows are folded in chunks on the {@link Workers} the store was given, each chunk
 * into its own partial sum. Indexes ({@link SortedIndex}, {@link GroupedIndex}) are derived from the
 * tables and are not part of the commitment.
 */
public final class StateStore {
    /** Version of the snapshot format written by {@link #exportSnapshot()}. */
    public static final int SNAPSHOT_VERSION = 2;

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
    private LtHash commitment = new LtHash();
    /** One per chunk of a block's rows; folder {@code i} folds chunk {@code i}. */
    private Folder[] folders = new Folder[0];

    private ArrayList<Table<?, ?>> foldTables = new ArrayList<>();
    private ArrayList<Row<?, ?>> foldRows = new ArrayList<>();

    private record Undo(Table<?, ?> table, Row<?, ?> row, Object before) {}

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
        }
    }

    /** Starts a transaction: writes until {@link #commit} or {@link #rollback} are undoable. */
    public void begin() {
        if (inTransaction) {
            throw new IllegalStateException("nested transaction");
        }
        inTransaction = true;
        clearUndo();
    }

    /** Keeps the transaction's writes. */
    public void commit() {
        inTransaction = false;
        clearUndo();
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
     * Folds the block's writes into the commitment: for each entry written, its element at the start of
     * the block leaves the set and its element now enters it. Returns the new commitment digest.
     */
    public byte[] finishBlock() {
        if (inTransaction) {
            throw new IllegalStateException("transaction still open at the end of a block");
        }
        for (Table<?, ?> t : tables.values()) {
            if (t.dirty()) {
                t.drainTouched(foldTables, foldRows);
            }
        }
        int n = foldRows.size();
        if (n > 0) {
            int chunks = (int)
                    Math.max(1, Math.min((long) workers.parallelism() * CHUNKS_PER_WORKER, n / ROWS_PER_CHUNK_MIN));
            if (folders.length < chunks) {
                Folder[] more = Arrays.copyOf(folders, chunks);
                for (int i = folders.length; i < chunks; i++) {
                    more[i] = new Folder();
                }
                folders = more;
            }
            if (chunks == 1) {
                folders[0].fold(foldTables, foldRows, 0, n);
            } else {
                workers.run(chunks, c -> folders[c].fold(foldTables, foldRows, c * n / chunks, (c + 1) * n / chunks));
            }
            for (int c = 0; c < chunks; c++) {
                commitment.addAll(folders[c].partial);
                folders[c].partial.clear();
            }
            for (int i = 0; i < n; i++) {
                foldTables.get(i).unmap(foldRows.get(i));
            }
        }
        if (n > 1 << 14) {
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
                if (r.value == null) {
                    if (r.committed) {
                        remove(r);
                        r.committed = false;
                    }
                    continue;
                }
                digest(tables.get(i), r.key, r.value);
                if (r.committed) {
                    if (same(r)) {
                        continue;
                    }
                    remove(r);
                }
                add(r);
                r.committed = true;
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

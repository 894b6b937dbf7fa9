package dev.vyoma.ledger.state;

import dev.vyoma.ledger.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * All ledger tables, the undo log of the transaction in progress, and the state commitment. Single
 * writer: the ledger applies one block at a time on one thread.
 */
public final class StateStore {
    /** Version of the snapshot format written by {@link #exportSnapshot()}. */
    public static final int SNAPSHOT_VERSION = 1;

    private final Map<String, Table<?, ?>> tables = new TreeMap<>();
    private final List<Undo> undo = new ArrayList<>();
    private boolean inTransaction;
    /** For each entry written in this block: its value when the block started. */
    /** Past this many entries a cleared map is replaced, since iterating a HashMap walks its whole capacity. */
    private static final int KEEP_CAPACITY_ENTRIES = 1 << 14;

    private Map<EntryKey, Object> blockOriginals = new HashMap<>();

    private LtHash commitment = new LtHash();

    private record Undo(Table<?, ?> table, Object key, Object oldValue) {}

    private record EntryKey(Table<?, ?> table, Object key) {}

    /** Creates the table {@code name}; every table is created once, before any block. */
    public <K extends Comparable<? super K>, V> Table<K, V> table(String name, Type keyType, Type valueType) {
        if (tables.containsKey(name)) {
            throw new IllegalStateException("table " + name + " exists");
        }
        Table<K, V> t = new Table<>(name, keyType, valueType, this);
        tables.put(name, t);
        return t;
    }

    void touched(Table<?, ?> table, Object key, Object oldValue) {
        if (inTransaction) {
            undo.add(new Undo(table, key, oldValue));
        }
        blockOriginals.putIfAbsent(new EntryKey(table, key), oldValue == null ? ABSENT : oldValue);
    }

    private static final Object ABSENT = new Object();

    /** Starts a transaction: writes until {@link #commit} or {@link #rollback} are undoable. */
    public void begin() {
        if (inTransaction) {
            throw new IllegalStateException("nested transaction");
        }
        inTransaction = true;
        undo.clear();
    }

    /** Keeps the transaction's writes. */
    public void commit() {
        inTransaction = false;
        undo.clear();
    }

    /** Undoes every write since {@link #begin}. */
    public void rollback() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            Undo u = undo.get(i);
            u.table().restore(u.key(), u.oldValue());
        }
        undo.clear();
        inTransaction = false;
    }

    /**
     * Folds the block's writes into the commitment: for each entry written, its value at the start of
     * the block leaves the set and its value now enters it. Returns the new commitment digest.
     */
    public byte[] finishBlock() {
        if (inTransaction) {
            throw new IllegalStateException("transaction still open at the end of a block");
        }
        for (Map.Entry<EntryKey, Object> e : blockOriginals.entrySet()) {
            Table<?, ?> table = e.getKey().table();
            Object key = e.getKey().key();
            Object before = e.getValue() == ABSENT ? null : e.getValue();
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object after = ((Table) table).get((Comparable) key);
            if (Objects.equals(before, after)) {
                continue;
            }
            byte[] name = table.name().getBytes(StandardCharsets.UTF_8);
            byte[] k = Codec.encode(key, table.keyType());
            if (before != null) {
                commitment.remove(name, k, Codec.encode(before, table.valueType()));
            }
            if (after != null) {
                commitment.add(name, k, Codec.encode(after, table.valueType()));
            }
        }
        resetBlockOriginals();
        return commitment.digest();
    }

    private void resetBlockOriginals() {
        if (blockOriginals.size() > KEEP_CAPACITY_ENTRIES) {
            blockOriginals = new HashMap<>();
        } else {
            blockOriginals.clear();
        }
    }

    /** The commitment digest as of the last finished block. */
    public byte[] commitment() {
        return commitment.digest();
    }

    /** Every entry of every table in name and key order: a snapshot that {@link #importSnapshot} reads. */
    public byte[] exportSnapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_VERSION);
            out.writeInt(tables.size());
            for (Table<?, ?> t : tables.values()) {
                out.writeUTF(t.name());
                out.writeInt(t.size());
                for (Map.Entry<?, ?> e : t.view().entrySet()) {
                    byte[] k = Codec.encode(e.getKey(), t.keyType());
                    byte[] v = Codec.encode(e.getValue(), t.valueType());
                    out.writeInt(k.length);
                    out.write(k);
                    out.writeInt(v.length);
                    out.write(v);
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
                byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
                for (int r = 0; r < rows; r++) {
                    byte[] k = in.readNBytes(in.readInt());
                    byte[] v = in.readNBytes(in.readInt());
                    t.load(Codec.decode(k, t.keyType()), Codec.decode(v, t.valueType()));
                    rebuilt.add(nameBytes, k, v);
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
        resetBlockOriginals();
    }
}

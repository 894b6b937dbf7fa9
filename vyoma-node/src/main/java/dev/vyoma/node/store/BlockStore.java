package dev.vyoma.node.store;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.tx.SignedTx;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The full history of the chain in RocksDB: every block with its result, and where each transaction was
 * included. A block and everything it indexes are written in one synced batch, so after a crash the store
 * holds whole blocks only. Writing a height again with the same block is a no-op; with a different one it is
 * refused, because that means this node's history diverged. One writer (the thread applying blocks), any
 * number of readers.
 *
 * <p>A node that joined from a snapshot (installed by the leader, or loaded over a store behind it) holds the
 * history after the snapshot's height only: {@link #firstHeight()} says where it starts, and heights below it
 * read as absent, with their transactions.
 */
public final class BlockStore implements AutoCloseable {
    /** Where a transaction was included: its block and its position there. */
    public record TxLocation(long height, int index) {}

    /** Files RocksDB keeps open at most (its table cache); the rest are reopened when read. */
    public static final int MAX_OPEN_FILES = 512;

    private static final byte BLOCK = 'B';
    private static final byte RESULT = 'R';
    private static final byte TX = 'T';
    private static final byte[] LATEST = {'M', 'l', 'a', 't', 'e', 's', 't'};
    private static final byte[] FIRST = {'M', 'f', 'i', 'r', 's', 't'};

    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final Options options;
    private final WriteOptions synced;
    private volatile long latest;
    private volatile long first;

    private BlockStore(RocksDB db, Options options) throws RocksDBException {
        this.db = db;
        this.options = options;
        this.synced = new WriteOptions().setSync(true);
        byte[] l = db.get(LATEST);
        this.latest = l == null ? 0 : ByteBuffer.wrap(l).getLong();
        byte[] f = db.get(FIRST);
        this.first = f == null ? 1 : ByteBuffer.wrap(f).getLong();
    }

    /** Opens (creating if needed) the store in {@code dir}. */
    public static BlockStore open(Path dir) {
        // Bounded, so the descriptors the node keeps back for storage (Api.Limits) are enough for it.
        Options options = new Options().setCreateIfMissing(true).setMaxOpenFiles(MAX_OPEN_FILES);
        try {
            Files.createDirectories(dir);
            return new BlockStore(RocksDB.open(options, dir.toString()), options);
        } catch (RocksDBException | java.io.IOException e) {
            options.close();
            throw new StoreException("cannot open the block store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The highest stored height, 0 before the first block. */
    public long latestHeight() {
        return latest;
    }

    /** The lowest height this store holds: 1, or the height after the snapshot this node started from. */
    public long firstHeight() {
        return first;
    }

    /**
     * Records that the chain's state up to {@code height} came from a snapshot, so history goes on at {@code
     * height + 1}: the store then answers from there. Nothing changes if the store already holds {@code height}.
     * Returns whether it moved.
     */
    public synchronized boolean startAfterSnapshot(long height) {
        if (height < 1 || height <= latest) {
            return false;
        }
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(FIRST, ByteBuffer.allocate(8).putLong(height + 1).array());
            batch.put(LATEST, ByteBuffer.allocate(8).putLong(height).array());
            db.write(synced, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot record the snapshot at height " + height + ": " + e.getMessage(), e);
        }
        first = height + 1;
        latest = height;
        return true;
    }

    /**
     * Stores a block and its result. A transaction keeps the location where it was first included (a copy
     * included again later fails admission and is not indexed over the original).
     */
    public synchronized void put(Block block, BlockResult result) {
        if (block.height() != result.height()) {
            throw new IllegalArgumentException("block " + block.height() + " with the result of " + result.height());
        }
        byte[] blockBytes = BlockCodec.encode(block);
        try {
            byte[] existing = db.get(key(BLOCK, block.height()));
            if (existing != null) {
                Optional<BlockResult> stored = result(block.height());
                if (!java.util.Arrays.equals(existing, blockBytes)
                        || stored.isEmpty()
                        || !stored.get().blockHashHex().equals(result.blockHashHex())) {
                    throw new StoreException("block " + block.height() + " differs from the one stored: this node's "
                            + "history diverged; restore its data from a healthy node");
                }
                return;
            }
            if (block.height() != latest + 1) {
                throw new StoreException("block " + block.height() + " does not follow the stored height " + latest);
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(key(BLOCK, block.height()), blockBytes);
                batch.put(key(RESULT, block.height()), Codec.encode(result, BlockResult.class));
                for (int i = 0; i < block.txs().size(); i++) {
                    SignedTx tx = block.txs().get(i);
                    byte[] txKey = txKey(tx.hash());
                    if (db.get(txKey) == null) {
                        batch.put(
                                txKey,
                                ByteBuffer.allocate(12)
                                        .putLong(block.height())
                                        .putInt(i)
                                        .array());
                    }
                }
                batch.put(LATEST, ByteBuffer.allocate(8).putLong(block.height()).array());
                db.write(synced, batch);
            }
            latest = block.height();
        } catch (RocksDBException e) {
            throw new StoreException("cannot write block " + block.height() + ": " + e.getMessage(), e);
        }
    }

    public Optional<Block> block(long height) {
        if (height < first) {
            return Optional.empty();
        }
        return read(key(BLOCK, height)).map(BlockCodec::decode);
    }

    public Optional<BlockResult> result(long height) {
        if (height < first) {
            return Optional.empty();
        }
        return read(key(RESULT, height)).map(b -> Codec.<BlockResult>decode(b, BlockResult.class));
    }

    /** Where the transaction with this hash (64 hex digits) was included, if it was. */
    public Optional<TxLocation> tx(String hashHex) {
        byte[] hash;
        try {
            hash = HexFormat.of().parseHex(hashHex);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (hash.length != 32) {
            return Optional.empty();
        }
        return read(txKey(hash))
                .map(b -> {
                    ByteBuffer in = ByteBuffer.wrap(b);
                    return new TxLocation(in.getLong(), in.getInt());
                })
                .filter(at -> at.height() >= first);
    }

    private Optional<byte[]> read(byte[] key) {
        try {
            return Optional.ofNullable(db.get(key));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the block store: " + e.getMessage(), e);
        }
    }

    private static byte[] key(byte kind, long height) {
        return ByteBuffer.allocate(9).put(kind).putLong(height).array();
    }

    private static byte[] txKey(byte[] hash) {
        return ByteBuffer.allocate(1 + hash.length).put(TX).put(hash).array();
    }

    @Override
    public synchronized void close() {
        synced.close();
        db.close();
        options.close();
    }
}

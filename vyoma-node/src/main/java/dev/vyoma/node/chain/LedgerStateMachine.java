package dev.vyoma.node.chain;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.node.store.BlockCodec;
import dev.vyoma.node.store.BlockStore;
import dev.vyoma.node.store.StoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: each log entry is a block as its proposer built it (time, proposer, transactions),
 * and applying it means the ledger applies it as the next height, the block store keeps it, and the mempool
 * drops what it included. Every member applies the same entries in the same order, so every member computes
 * the same state commitment at every height. Nothing here reads a clock: the block time is the proposer's,
 * raised to the last block's time if it went backwards.
 *
 * <p>Snapshots are the ledger's own ({@link Ledger#snapshot()}) in Ratis's snapshot directory; after a
 * restart the latest one is loaded and Ratis replays the entries after it, which the block store already
 * holds (it checks they are the same). A member that joins late, or is far behind a leader whose log no longer
 * reaches back to it, is sent the leader's latest snapshot instead ({@link #reinitialize()}); its block store
 * then keeps the history after the snapshot's height ({@link BlockStore#startAfterSnapshot}).
 */
public final class LedgerStateMachine extends BaseStateMachine {
    /** Told of every block once it is applied and stored, on the applying thread. */
    public interface Listener {
        void applied(Block block, BlockResult result, long applyNanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LedgerStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Genesis genesis;
    private final BlockStore blocks;
    private final Mempool mempool;
    private final Executor verifiers;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long installedHeight;
    private final java.util.concurrent.atomic.AtomicInteger installs = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Exit status of a node that could not store a block it applied (a full or failing disk): {@code EX_IOERR}.
     */
    public static final int EXIT_STORE_FAILED = 74;

    public LedgerStateMachine(Genesis genesis, BlockStore blocks, Mempool.Limits limits, Executor verifiers) {
        this.genesis = Objects.requireNonNull(genesis, "genesis");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.verifiers = Objects.requireNonNull(verifiers, "verifiers");
        this.mempool = new Mempool(Ledger.fromGenesis(genesis), limits);
    }

    public Mempool mempool() {
        return mempool;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        storage.init(raftStorage);
        load();
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /** Ratis pauses the state machine before it installs the leader's snapshot, and reloads it after. */
    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** Ratis calls this once it installed a snapshot sent by the leader: the ledger goes on from it. */
    @Override
    public void reinitialize() throws IOException {
        long height = load();
        if (getLifeCycle().getCurrentState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
        installedHeight = height;
        installs.incrementAndGet();
        LOG.info("installed the leader's snapshot at height {}", height);
    }

    /** The height of the last snapshot the leader installed on this member, 0 if none. */
    public long installedSnapshotHeight() {
        return installedHeight;
    }

    /** How many snapshots the leader installed on this member since it started. */
    public int snapshotsInstalled() {
        return installs.get();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Loads the latest snapshot (or genesis); returns its height. */
    private long load() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            mempool.replaceLedger(Ledger.fromGenesis(genesis));
            return 0;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), md5);
        }
        Ledger ledger = Ledger.fromSnapshot(Files.readAllBytes(file));
        if (!ledger.state().meta().chainId().equals(genesis.chainId())) {
            throw new IOException("snapshot " + file + " is of chain "
                    + ledger.state().meta().chainId() + ", this node runs " + genesis.chainId());
        }
        TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file.toFile());
        long height = ledger.state().meta().height();
        boolean moved = mempool.exclusive(() -> {
            mempool.replaceLedger(ledger);
            updateLastAppliedTermIndex(last);
            // Blocks up to the snapshot's height are not sent with it: history here goes on after it.
            return blocks.startAfterSnapshot(height);
        });
        LOG.info(
                "loaded snapshot at height {} (log index {}){}",
                height,
                last.getIndex(),
                moved ? "; this node's block history starts at height " + (height + 1) : "");
        return height;
    }

    @Override
    public long takeSnapshot() throws IOException {
        // Carries the snapshot, owned by this method alone, out of the lock; never compared, and too large to copy.
        @SuppressWarnings("ArrayRecordComponent")
        record Taken(byte[] bytes, TermIndex at) {}
        Taken taken = mempool.exclusive(() -> new Taken(mempool.ledger().snapshot(), getLastAppliedTermIndex()));
        if (taken.at == null) {
            return -1;
        }
        Path file =
                storage.getSnapshotFile(taken.at.getTerm(), taken.at.getIndex()).toPath();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        MD5Hash md5;
        try {
            Files.write(tmp, taken.bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            // A snapshot that cannot be written (a full disk) is skipped and tried again later. Ratis closes the
            // member on an unchecked failure here (the checksum writer throws one), so it becomes an IOException.
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(file);
            throw e instanceof IOException io ? io : new IOException("snapshot not written: " + e.getMessage(), e);
        }
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), taken.at));
        return taken.at.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        Block proposed;
        try {
            proposed = BlockCodec.decode(data);
        } catch (CodecException e) {
            // Only a faulty proposer writes such an entry; every member skips it the same way.
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            LOG.warn("log entry {} is not a block, skipped: {}", entry.getIndex(), e.getMessage());
            return CompletableFuture.completedFuture(Message.valueOf("not a block: " + e.getMessage()));
        }
        record Applied(Block block, BlockResult result, long nanos) {}
        long started = System.nanoTime();
        Applied applied = mempool.exclusive(() -> {
            AppliedBlock a = AppliedBlock.apply(mempool, proposed, verifiers);
            try {
                blocks.put(a.block(), a.result());
            } catch (StoreException e) {
                throw stop(a.block().height(), e);
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return new Applied(a.block(), a.result(), System.nanoTime() - started);
        });
        for (Listener l : listeners) {
            try {
                l.applied(applied.block, applied.result, applied.nanos);
            } catch (RuntimeException e) {
                LOG.warn("a block listener failed at height {}", applied.block.height(), e);
            }
        }
        byte[] height = ByteBuffer.allocate(8).putLong(applied.block.height()).array();
        return CompletableFuture.completedFuture(
                Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(height)));
    }

    /**
     * Stops the node when a block it applied cannot be stored (a full or failing disk). Ratis closes a member's Raft
     * division for good on any failure out of {@link #applyTransaction}, with the ledger in memory a block ahead of its
     * store: a process left running that way answers its API at a height that never moves again (fault campaign seed
     * 20261224, a full disk while the first block was stored). So the node halts at once, as a {@code kill -9} would,
     * and says why; started again once the disk has room, it reloads its snapshot and Raft log and catches up.
     */
    private static StoreException stop(long height, StoreException e) {
        halt("cannot store block " + height, e);
        return e;
    }

    /**
     * Ratis could not write its log (a full or failing disk; on a full disk this comes before the block store fails,
     * since the block store writes into space it reserved and the log starts a new segment every few megabytes). From
     * then on Ratis refuses every entry it is sent or proposes, for good, while the process runs on: it answered its API
     * at a height that never moved again, and a leader in that state lost its office, wrote the new term onto the full
     * disk and was left with an empty Raft metadata file that kept it from starting again (DiskFullTest). So the node
     * halts, as when a block cannot be stored: what it acknowledged is in its log up to the entry that failed, and
     * started again with room it catches up from the other validators.
     */
    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        if (stopping(cause)) {
            // The node is stopping: Ratis interrupted its log writer, whose channel then reports a write cut short.
            LOG.info("Raft log write cut short while stopping: {}", cause.toString());
            return;
        }
        halt("cannot write the Raft log at index " + (failedEntry == null ? "?" : failedEntry.getIndex()), cause);
    }

    /** Whether a log failure comes from the log being closed (the node stopping) rather than from its disk. */
    private static boolean stopping(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException || t instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** Logs one line that says what failed, why, and what to do, and halts the process with {@link #EXIT_STORE_FAILED}. */
    private static void halt(String what, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        LOG.error(
                "{}: {}; stopping this node (exit {}). If its disk is full, start it again once the disk has room: it"
                        + " catches up from its Raft log and the other validators",
                what,
                root == cause
                        ? String.valueOf(cause.getMessage())
                        : cause.getMessage() + " (" + root.getMessage() + ")",
                EXIT_STORE_FAILED);
        Runtime.getRuntime().halt(EXIT_STORE_FAILED);
    }
}

package dev.vyoma.node.chain;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.membership.HostPort;
import dev.vyoma.node.membership.Validators;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.node.store.BlockCodec;
import dev.vyoma.node.store.BlockStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator: a member of the chain's Raft group that applies every block through the ledger and keeps the
 * history, and, while it leads, has its {@link BlockProducer} build a block from its mempool at every block
 * interval (empty blocks too: leases are paid per block). This class is the runtime around them: the Raft
 * server and client, the thread that ticks the producer with the clock, and the threads that verify
 * signatures and tell waiters. One node alone is a one-member group.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    /** A member of the group: its id, Raft address and API address ({@code host:port}; empty: not known). */
    public record Peer(String id, String raftAddress, String apiAddress) {
        public Peer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(raftAddress, "raftAddress");
            Objects.requireNonNull(apiAddress, "apiAddress");
        }

        /** A member whose API address this node does not know. */
        public Peer(String id, String raftAddress) {
            this(id, raftAddress, "");
        }
    }

    /**
     * How a node takes part in membership changes: the operator keys whose approvals count, how many of them a change
     * needs ({@code operatorThreshold}), whether it starts outside the group to be added ({@code join}: with empty
     * Raft storage it waits for the leader instead of forming a group of the listed peers), and the size of its Raft
     * log segments (the log is dropped in whole segments once a snapshot covers them, after which a member behind is
     * sent the snapshot).
     */
    public record Membership(Set<PublicKey> operators, int operatorThreshold, boolean join, long logSegmentBytes) {
        /** Log segments of 8 MiB unless the config says otherwise. */
        public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L << 20;

        /** The smallest segment allowed: a block must fit. */
        public static final long MIN_LOG_SEGMENT_BYTES = 16L << 10;

        /** No operators (membership cannot be changed through the API), a founding member, default segments. */
        public static final Membership NONE = new Membership(Set.of(), 1, false, DEFAULT_LOG_SEGMENT_BYTES);

        public Membership {
            operators = Set.copyOf(operators);
            if (operatorThreshold < 1 || operatorThreshold > Math.max(1, operators.size())) {
                throw new IllegalArgumentException("the operator threshold must be 1 to the number of operators ("
                        + operators.size() + "), got " + operatorThreshold);
            }
            if (logSegmentBytes < MIN_LOG_SEGMENT_BYTES) {
                throw new IllegalArgumentException(
                        "the Raft log segment size must be at least " + MIN_LOG_SEGMENT_BYTES + " bytes");
            }
        }
    }

    /**
     * How a node runs: its home directory (Raft log and snapshots under {@code raft/}, the block store under
     * {@code blocks/}), its id among {@code peers}, the chain's genesis, the address it proposes blocks as,
     * the block interval and size, how many blocks pass between snapshots, and where consensus listens (absent:
     * every interface, at the port of this node's Raft address).
     */
    public record Config(
            Path home,
            String id,
            List<Peer> peers,
            Genesis genesis,
            Address proposer,
            Duration blockInterval,
            int maxTxsPerBlock,
            long snapshotEveryBlocks,
            Mempool.Limits mempool,
            Optional<HostPort> raftListen,
            Membership membership) {
        public Config {
            Objects.requireNonNull(membership, "membership");
            Objects.requireNonNull(home, "home");
            Objects.requireNonNull(raftListen, "raftListen");
            Objects.requireNonNull(genesis, "genesis");
            Objects.requireNonNull(proposer, "proposer");
            peers = List.copyOf(peers);
            if (peers.stream().noneMatch(p -> p.id().equals(id))) {
                throw new IllegalArgumentException("node id " + id + " is not among the peers " + peers);
            }
            if (blockInterval.isNegative() || blockInterval.isZero()) {
                throw new IllegalArgumentException("the block interval must be positive, got " + blockInterval);
            }
            if (maxTxsPerBlock < 1 || snapshotEveryBlocks < 1) {
                throw new IllegalArgumentException(
                        "max transactions per block and the snapshot interval must be positive");
            }
        }

        /** A node that listens for consensus on every interface at its Raft address's port. */
        public Config(
                Path home,
                String id,
                List<Peer> peers,
                Genesis genesis,
                Address proposer,
                Duration blockInterval,
                int maxTxsPerBlock,
                long snapshotEveryBlocks,
                Mempool.Limits mempool) {
            this(
                    home,
                    id,
                    peers,
                    genesis,
                    proposer,
                    blockInterval,
                    maxTxsPerBlock,
                    snapshotEveryBlocks,
                    mempool,
                    Optional.empty(),
                    Membership.NONE);
        }

        /** The peer entry of this node. */
        public Peer self() {
            return peers.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
        }
    }

    private final Config config;
    private final BlockStore blocks;
    private final LedgerStateMachine stateMachine;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftClient client;
    private final RaftClient admin;
    private final Validators validators;
    private final ExecutorService verifiers;
    private final Map<String, CompletableFuture<Included>> waiters = new ConcurrentHashMap<>();
    /** Completes waiters off the applying thread: what they do next (answer HTTP) must not delay blocks. */
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("commit-notifier").factory());

    private final Clock clock;
    private final BlockProducer production;
    private final Thread producer;
    private final Object heightChanged = new Object();
    private final NodeMetrics metrics;
    private volatile boolean running = true;

    private Node(Config config, Clock clock) throws IOException {
        this.config = config;
        this.clock = Objects.requireNonNull(clock, "clock");
        Path raftDir = config.home().resolve("raft");
        Files.createDirectories(raftDir);
        this.blocks = BlockStore.open(config.home().resolve("blocks"));
        this.verifiers = Executors.newFixedThreadPool(
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().daemon().name("verify-", 0).factory());
        this.stateMachine = new LedgerStateMachine(config.genesis(), blocks, config.mempool(), verifiers);
        this.metrics = new NodeMetrics(this);
        stateMachine.addListener(this::applied);

        List<RaftPeer> peers = new ArrayList<>();
        for (Peer p : config.peers()) {
            peers.add(Validators.peer(p.id(), p.raftAddress(), p.apiAddress()));
        }
        this.group = RaftGroup.valueOf(groupId(config.genesis().chainId()), peers);
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(raftDir.toFile()));
        HostPort listen = config.raftListen()
                .orElseGet(() -> new HostPort(
                        HostPort.ANY_IPV4,
                        HostPort.parse(config.self().raftAddress(), "raftAddress", false)
                                .port()));
        if (config.raftListen().isPresent()) {
            GrpcConfigKeys.Server.setHost(props, listen.host());
        }
        GrpcConfigKeys.Server.setPort(props, listen.port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, config.snapshotEveryBlocks());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        // Once a snapshot covers them, whole log segments are dropped: a member that is behind, or new, is then sent
        // the snapshot rather than every entry since genesis.
        RaftServerConfigKeys.Log.setSegmentSizeMax(
                props, SizeInBytes.valueOf(config.membership().logSegmentBytes()));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        RaftServerConfigKeys.Log.setPurgeGap(props, (int) Math.min(Integer.MAX_VALUE, config.snapshotEveryBlocks()));
        boolean fresh;
        try (Stream<Path> children = Files.list(raftDir)) {
            fresh = children.findAny().isEmpty();
        }
        boolean joining = fresh && config.membership().join();
        this.server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(config.id()))
                // A joining node knows no members: it learns the group from the leader once it is added.
                .setGroup(joining ? RaftGroup.valueOf(group.getGroupId()) : group)
                .setProperties(props)
                .setStateMachine(stateMachine)
                .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                .build();
        this.client = RaftClient.newBuilder()
                .setProperties(props)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId())
                .build();
        // Configuration changes wait while the leader catches a new member up: a longer timeout, a few retries.
        RaftProperties adminProps = new RaftProperties(props);
        RaftClientConfigKeys.Rpc.setRequestTimeout(adminProps, TimeDuration.valueOf(120, TimeUnit.SECONDS));
        this.admin = RaftClient.newBuilder()
                .setProperties(adminProps)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        10, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))
                .build();
        this.validators = new Validators(
                this::raftConf,
                admin,
                config.id(),
                config.genesis().chainId(),
                config.membership().operators(),
                config.membership().operatorThreshold(),
                config.membership().join());
        this.production = new BlockProducer(
                stateMachine.mempool(),
                config.proposer(),
                config.blockInterval(),
                config.maxTxsPerBlock(),
                () -> info().map(DivisionInfo::isLeaderReady).orElse(false),
                this::propose);
        this.producer =
                Thread.ofPlatform().name("block-producer-" + config.id()).unstarted(this::produce);
    }

    /** Starts a node: opens its stores, joins the group, and produces blocks while it leads. */
    public static Node start(Config config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** Starts a node whose blocks take their time from {@code clock}. */
    public static Node start(Config config, Clock clock) throws IOException {
        Node node = new Node(config, clock);
        try {
            node.server.start();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        node.producer.start();
        LOG.info(
                "node {} of chain {} started at height {} (raft {})",
                config.id(),
                config.genesis().chainId(),
                node.blocks.latestHeight(),
                config.self().raftAddress());
        return node;
    }

    /** The Raft group of a chain: derived from its chain id, so every member names the same group. */
    static RaftGroupId groupId(String chainId) {
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("vyoma-chain:" + chainId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public Config config() {
        return config;
    }

    public BlockStore blocks() {
        return blocks;
    }

    public Mempool mempool() {
        return stateMachine.mempool();
    }

    /** The threads that verify signatures. */
    public java.util.concurrent.Executor verifiers() {
        return verifiers;
    }

    /** Reads the ledger's state consistently (between blocks). */
    public <T> T query(java.util.function.Function<LedgerState, T> read) {
        Mempool m = stateMachine.mempool();
        return m.exclusive(() -> read.apply(m.ledger().state()));
    }

    /** The height of the last applied block. */
    public long height() {
        return query(s -> s.meta().height());
    }

    /** Submits a transaction to this node's mempool. */
    public Mempool.Outcome submit(SignedTx tx) {
        return stateMachine.mempool().submit(tx);
    }

    /** A transaction in a block: where, and what happened to it. */
    public record Included(long height, int index, TxResult result) {}

    /**
     * Completes when the transaction with this hash is in a block (at once if it already is), or
     * exceptionally after {@code timeout}.
     */
    public CompletableFuture<Included> committed(String txHash, Duration timeout) {
        CompletableFuture<Included> f = waiters.computeIfAbsent(txHash, h -> new CompletableFuture<>());
        blocks.tx(txHash).ifPresent(loc -> {
            TxResult r = blocks.result(loc.height()).orElseThrow().txs().get(loc.index());
            complete(txHash, new Included(loc.height(), loc.index(), r));
        });
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((at, e) -> {
            if (e != null) {
                waiters.remove(txHash, f);
            }
        });
    }

    /** Whether this node leads the group now. */
    public boolean isLeader() {
        return info().map(DivisionInfo::isLeader).orElse(false);
    }

    /** The current leader's id, if one is known. */
    public Optional<String> leaderId() {
        return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
    }

    /** The current Raft term. */
    public long term() {
        return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
    }

    /** The validators: the group's configuration, and changes to it. */
    public Validators validators() {
        return validators;
    }

    /** The lowest height whose block this node holds (above 1 when it joined from a snapshot). */
    public long firstBlockHeight() {
        return blocks.firstHeight();
    }

    /** The height of the last snapshot the leader installed here since the node started, 0 if none. */
    public long installedSnapshotHeight() {
        return stateMachine.installedSnapshotHeight();
    }

    /** How many snapshots the leader installed here since the node started. */
    public int snapshotsInstalled() {
        return stateMachine.snapshotsInstalled();
    }

    /** The first index in this node's Raft log: above 0 once a snapshot let it drop the entries before. */
    public long raftLogStartIndex() {
        try {
            return server.getDivision(group.getGroupId()).getRaftLog().getStartIndex();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private Optional<RaftConfiguration> raftConf() {
        try {
            return Optional.of(server.getDivision(group.getGroupId()).getRaftConf());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<DivisionInfo> info() {
        try {
            return Optional.of(server.getDivision(group.getGroupId()).getInfo());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until a block above {@code height} is stored, at most {@code timeout}; returns the stored height
     * then (which may still be {@code height} after the timeout).
     */
    public long awaitHeightAbove(long height, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (heightChanged) {
            long now;
            while ((now = blocks.latestHeight()) <= height) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return now;
                }
                TimeUnit.NANOSECONDS.timedWait(heightChanged, left);
            }
            return now;
        }
    }

    /** The node's metrics. */
    public NodeMetrics metrics() {
        return metrics;
    }

    private void applied(Block block, BlockResult result, long applyNanos) {
        metrics.applied(block, result, applyNanos);
        synchronized (heightChanged) {
            heightChanged.notifyAll();
        }
        if (waiters.isEmpty()) {
            return;
        }
        List<Runnable> done = new ArrayList<>();
        for (int i = 0; i < block.txs().size(); i++) {
            String hash = block.txs().get(i).hashHex();
            if (!waiters.containsKey(hash)) {
                continue;
            }
            // The first inclusion is the one that counts (a copy included again fails admission).
            BlockStore.TxLocation first = blocks.tx(hash).orElse(null);
            if (first != null && first.height() == block.height() && first.index() == i) {
                Included at = new Included(block.height(), i, result.txs().get(i));
                done.add(() -> complete(hash, at));
            }
        }
        if (!done.isEmpty()) {
            notifier.execute(() -> done.forEach(Runnable::run));
        }
    }

    private void complete(String hash, Included at) {
        CompletableFuture<Included> f = waiters.remove(hash);
        if (f != null) {
            f.complete(at);
        }
    }

    /** The producer's runtime: ticks it with the clock and sleeps until the instant it names. */
    private void produce() {
        while (running) {
            validators.standing(); // logs when this node is added or removed
            Instant next = production.tick(clock.instant());
            long waitMs = Duration.between(clock.instant(), next).toMillis();
            if (waitMs > 0) {
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Sends a block to the group through Raft and waits for it to be committed. */
    private boolean propose(Block block) throws IOException {
        if (!running) {
            return false;
        }
        RaftClientReply reply;
        try {
            reply = client.io().send(Message.valueOf(ByteString.copyFrom(BlockCodec.encode(block))));
        } catch (IOException | RuntimeException e) {
            if (!running) {
                return false; // closing the client fails a proposal in flight
            }
            throw e;
        }
        if (!reply.isSuccess()) {
            LOG.warn(
                    "block proposal not committed: {}",
                    reply.getException() == null
                            ? "no reason"
                            : reply.getException().getMessage());
        }
        return reply.isSuccess();
    }

    /** Stops producing, leaves the group, and closes the stores; safe to call twice. */
    @Override
    public synchronized void close() {
        if (!running && !producer.isAlive() && verifiers.isShutdown()) {
            return;
        }
        running = false;
        producer.interrupt();
        // Closing the client fails a proposal in flight, so the producer does not wait for it.
        closeQuietly(client::close);
        closeQuietly(admin::close);
        try {
            producer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server::close);
        verifiers.shutdownNow();
        notifier.shutdownNow();
        metrics.close();
        blocks.close();
        waiters.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the node stopped")));
        LOG.info("node {} stopped", config.id());
    }

    private interface Closer {
        void close() throws IOException;
    }

    private static void closeQuietly(Closer c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("while stopping: {}", e.toString());
        }
    }
}

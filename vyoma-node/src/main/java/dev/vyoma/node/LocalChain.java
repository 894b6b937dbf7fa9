package dev.vyoma.node;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One validator and its HTTP API on this machine, on free ports, producing blocks: what a test, a tool or an
 * embedding program needs to have a chain to talk to. It is a real node (Ratis, block store, mempool, API),
 * started in {@code dir}; {@link #close} stops both.
 */
public final class LocalChain implements AutoCloseable {
    /** The validator's address, fixed so that the same genesis gives the same blocks' proposer. */
    private static final Address PROPOSER = dev.vyoma.ledger.crypto.KeyPair.fromSeed(java.util.Arrays.copyOf(
                    "vyoma local validator".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32))
            .address();

    private final Node node;
    private final Api api;

    private LocalChain(Node node, Api api) {
        this.node = node;
        this.api = api;
    }

    /**
     * Starts a validator of {@code genesis} in {@code dir} with blocks every {@code blockInterval}, and waits
     * (30 s at most) until it leads and produces blocks; the other settings are the {@link Builder}'s defaults.
     */
    public static LocalChain start(Path dir, Genesis genesis, Duration blockInterval) throws IOException {
        return builder(dir).genesis(genesis).blockInterval(blockInterval).start();
    }

    /** The settings of a chain in {@code dir}, each named, each with a default but the genesis. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Named settings of a throwaway chain; {@link #start} starts it. */
    public static final class Builder {
        private final Path dir;
        private Genesis genesis;
        private Address proposer = PROPOSER;
        private Duration blockInterval = Duration.ofMillis(100);
        private int maxTxsPerBlock = 1_000;
        private long snapshotEveryBlocks = 1_000;
        private Mempool.Limits mempool = Mempool.Limits.defaults();

        private Builder(Path dir) {
            this.dir = java.util.Objects.requireNonNull(dir, "dir");
        }

        /** The chain's genesis (required). */
        public Builder genesis(Genesis genesis) {
            this.genesis = genesis;
            return this;
        }

        /** The address the validator proposes blocks as (default: a fixed local validator key). */
        public Builder proposer(Address proposer) {
            this.proposer = proposer;
            return this;
        }

        /** Time between blocks (default 100 ms). */
        public Builder blockInterval(Duration blockInterval) {
            this.blockInterval = blockInterval;
            return this;
        }

        /** Most transactions in a block (default 1,000). */
        public Builder maxTxsPerBlock(int maxTxsPerBlock) {
            this.maxTxsPerBlock = maxTxsPerBlock;
            return this;
        }

        /** Blocks between state snapshots (default 1,000). */
        public Builder snapshotEveryBlocks(long snapshotEveryBlocks) {
            this.snapshotEveryBlocks = snapshotEveryBlocks;
            return this;
        }

        /** The mempool's bounds (default {@link Mempool.Limits#defaults()}). */
        public Builder mempool(Mempool.Limits mempool) {
            this.mempool = mempool;
            return this;
        }

        /** Starts the validator and its API, and waits (30 s at most) until it leads and produces blocks. */
        public LocalChain start() throws IOException {
            if (genesis == null) {
                throw new IllegalStateException("a local chain needs a genesis");
            }
            Node node = Node.start(new Node.Config(
                    dir,
                    "n0",
                    List.of(new Node.Peer("n0", "127.0.0.1:" + LocalPorts.free())),
                    genesis,
                    proposer,
                    blockInterval,
                    maxTxsPerBlock,
                    snapshotEveryBlocks,
                    mempool));
            Api api;
            try {
                api = Api.start(node, "127.0.0.1", 0);
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!node.isLeader() || node.height() < 1) {
                if (System.nanoTime() > deadline) {
                    api.close();
                    node.close();
                    throw new IllegalStateException("the local validator did not produce a block within 30 s");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    api.close();
                    node.close();
                    throw new IllegalStateException("interrupted while the local validator started", e);
                }
            }
            return new LocalChain(node, api);
        }
    }

    /** A genesis of {@code chainId} with default parameters in which each of {@code accounts} holds {@code coins}. */
    public static Genesis fundedGenesis(String chainId, List<Coin> coins, Address... accounts) {
        List<Genesis.Allocation> allocations = new ArrayList<>();
        for (Address a : accounts) {
            allocations.add(new Genesis.Allocation(a, coins));
        }
        return new Genesis(chainId, 1_700_000_000_000L, Params.defaults(), allocations);
    }

    /** The API's base URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + api.port();
    }

    public Node node() {
        return node;
    }

    public Api api() {
        return api;
    }

    @Override
    public void close() {
        api.close();
        node.close();
    }
}

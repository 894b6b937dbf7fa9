package dev.vyoma.cli.stats;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.source.ChainSource;
import dev.vyoma.stats.source.NodeSource;
import dev.vyoma.stats.store.StatsDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Indexing over HTTP, one block per request against ranges: a one-node chain on a free loopback port produces
 * {@code blocks} blocks (a transfer every five block intervals, about the simulated quarter's 0.2 transactions a
 * block), then the same heights are indexed into two fresh DuckDB
 * files, first with {@link NodeSource#perBlock}, then with {@link NodeSource}'s ranges, back to back; both databases
 * must hold the same rows.
 */
final class NodeIndexBench {
    /** The benchmark chain's accounts: keys anyone can derive from their names, for a throwaway chain. */
    private static final NamedKeys KEYS = new NamedKeys("index-bench");

    /** What was measured; {@code events} counts those the indexer reads (market events), not transfers and fees. */
    record Result(long blocks, long events, double perBlockSeconds, double rangeSeconds, double loadAverage) {}

    private NodeIndexBench() {}

    static Result run(int blocks, Duration blockInterval) throws IOException, SQLException, InterruptedException {
        Path dir = Files.createTempDirectory("vyoma-index-bench-");
        KeyPair alice = KEYS.key("alice");
        try (LocalChain chain = LocalChain.builder(dir.resolve("node"))
                .genesis(LocalChain.fundedGenesis(
                        "vyoma-index-bench",
                        List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000L)),
                        alice.address()))
                .blockInterval(blockInterval)
                .start()) {
            VyomaClient client = new VyomaClient(chain.url());
            long sequence = 0;
            while (chain.node().blocks().latestHeight() < blocks) {
                Tx tx = new Tx(
                        "vyoma-index-bench",
                        alice.publicKey(),
                        sequence++,
                        new Coin("uvyo", 100_000),
                        List.of(new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uusd", 1))),
                        "");
                client.broadcast(new SignedTx(tx, Ed25519.sign(alice.privateKey(), tx.signBytes())), false);
                Thread.sleep(Math.max(1, blockInterval.toMillis() * 5));
            }
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage();
            Capped single = new Capped(NodeSource.perBlock(chain.url()), blocks);
            Capped ranges = new Capped(new NodeSource(chain.url()), blocks);
            double perBlock = index(single, dir.resolve("per-block.duckdb"));
            double range = index(ranges, dir.resolve("ranges.duckdb"));
            List<String> a = dump(dir.resolve("per-block.duckdb"));
            List<String> b = dump(dir.resolve("ranges.duckdb"));
            if (!a.equals(b)) {
                throw new IllegalStateException("indexing in ranges wrote other rows than indexing block by block");
            }
            long events = 0;
            for (long from = 1; from <= blocks; from += NodeSource.MAX_BLOCKS_PER_REQUEST) {
                for (ChainSource.ChainBlock cb :
                        ranges.blocks(from, Math.min(blocks, from + NodeSource.MAX_BLOCKS_PER_REQUEST - 1))) {
                    events += cb.events().size();
                }
            }
            return new Result(blocks, events, perBlock, range, load);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double index(ChainSource source, Path file) {
        try (StatsDb db = StatsDb.open("duckdb:" + file)) {
            Indexer indexer = new Indexer(db, source);
            long start = System.nanoTime();
            indexer.catchUp();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static List<String> dump(Path file) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (StatsDb db = StatsDb.open("duckdb:" + file);
                Connection c = db.connection();
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                    + " 'main' AND table_name NOT LIKE 'flyway%' ORDER BY table_name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY ALL")) {
                    int columns = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder(t);
                        for (int i = 1; i <= columns; i++) {
                            row.append('|').append(r.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }

    /** A node read up to a fixed height, so that both modes index the same blocks while the chain goes on. */
    private record Capped(NodeSource node, long height) implements ChainSource {
        @Override
        public String chainId() {
            return node.chainId();
        }

        @Override
        public long latestHeight() {
            return Math.min(height, node.latestHeight());
        }

        @Override
        public Optional<ChainBlock> block(long h) {
            return h > height ? Optional.empty() : node.block(h);
        }

        @Override
        public List<ChainBlock> blocks(long from, long to) {
            return node.blocks(from, Math.min(to, height));
        }

        @Override
        public Optional<GroupSpec> group(GroupId id) {
            return node.group(id);
        }

        @Override
        public Optional<String> providerHostUri(Address owner) {
            return node.providerHostUri(owner);
        }
    }
}

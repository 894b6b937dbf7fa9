package dev.vyoma.stats.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.bench.StatsBench;
import dev.vyoma.stats.source.ChainSource;
import dev.vyoma.stats.source.LedgerSource;
import dev.vyoma.stats.store.StatsDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexing a chain read in ranges writes exactly what indexing it block by block writes: every row of every table,
 * whatever the size of the pieces a source answers in (one block, around the indexer's batch of
 * {@value Indexer#MAX_BLOCKS_PER_BATCH}, the whole chain), and while the chain's latest height moves on during
 * indexing. The chain is a market scripted through the real ledger (leases opened, paid, closed) over 2,600 blocks,
 * so batches end inside it twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RangeIndexingTest {
    private static final int BLOCKS = 2_600;

    private Path dir;
    private LedgerSource chain;
    private List<String> reference;
    private int databases;

    @BeforeAll
    void indexBlockByBlock(@TempDir Path dir) throws SQLException {
        this.dir = dir;
        chain = StatsBench.market(BLOCKS).chain().source();
        assertThat(chain.latestHeight()).isEqualTo(BLOCKS);
        reference = index(chain);
        assertThat(reference).anyMatch(r -> r.startsWith("lease|")).anyMatch(r -> r.startsWith("payment|"));
    }

    /**
     * The chain's blocks answered in pieces of at most {@code piece}, with only {@code visible} of them there at
     * first and {@code growth} more each time the indexer asks for the latest height.
     */
    private static final class Pieces implements ChainSource {
        private final ChainSource chain;
        private final int piece;
        private final long growth;
        private long visible;
        private final boolean ranges;
        int requests;

        Pieces(ChainSource chain, int piece, long visible, long growth, boolean ranges) {
            this.chain = chain;
            this.piece = piece;
            this.visible = visible;
            this.growth = growth;
            this.ranges = ranges;
        }

        @Override
        public String chainId() {
            return chain.chainId();
        }

        @Override
        public long latestHeight() {
            visible = Math.min(chain.latestHeight(), visible + growth);
            return visible;
        }

        @Override
        public Optional<ChainBlock> block(long height) {
            requests++;
            return height > visible ? Optional.empty() : chain.block(height);
        }

        @Override
        public List<ChainBlock> blocks(long from, long to) {
            if (!ranges) {
                return ChainSource.super.blocks(from, to);
            }
            requests++;
            List<ChainBlock> out = new ArrayList<>();
            for (long h = from; h <= Math.min(to, visible) && out.size() < piece; h++) {
                out.add(chain.block(h).orElseThrow());
            }
            return out;
        }

        @Override
        public Optional<GroupSpec> group(GroupId id) {
            return chain.group(id);
        }

        @Override
        public Optional<String> providerHostUri(Address owner) {
            return chain.providerHostUri(owner);
        }
    }

    @Test
    void rangesOfEverySizeIndexWhatSingleBlocksIndex() throws SQLException {
        for (int piece : List.of(1, 2, 7, 999, 1_000, 1_001, BLOCKS)) {
            Pieces source = new Pieces(chain, piece, BLOCKS, 0, true);
            assertThat(index(source)).as("pieces of %d", piece).isEqualTo(reference);
            // Each batch of 1,000 is read in ceil(1000 / piece) requests at most, none wasted.
            long batches = (BLOCKS + Indexer.MAX_BLOCKS_PER_BATCH - 1) / Indexer.MAX_BLOCKS_PER_BATCH;
            assertThat(source.requests)
                    .as("pieces of %d", piece)
                    .isLessThanOrEqualTo((int) ((BLOCKS + piece - 1) / piece + batches) + 1);
        }
    }

    @Test
    void aChainThatGrowsDuringIndexingIsIndexedTheSame() throws SQLException {
        for (long growth : List.of(7L, 333L, 1_000L, 1_001L)) {
            for (boolean ranges : List.of(true, false)) {
                Pieces source = new Pieces(chain, 250, 1, growth, ranges);
                assertThat(index(source))
                        .as("growing by %d, %s", growth, ranges ? "ranges" : "block by block")
                        .isEqualTo(reference);
            }
        }
    }

    @Test
    void batchesOfEverySizeIndexWhatSingleBlocksIndex() throws SQLException {
        // The in-process batch holds the whole chain in one SQL transaction; the others end inside it.
        for (int batch : List.of(1, 999, 1_001, 2_599, Indexer.IN_PROCESS_BLOCKS_PER_BATCH)) {
            assertThat(index(chain, batch)).as("batches of %d", batch).isEqualTo(reference);
        }
        try (StatsDb db = StatsDb.open("duckdb:" + dir.resolve("stats" + databases++ + ".duckdb"))) {
            assertThatThrownBy(() -> new Indexer(db, chain, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 or more, got 0");
        }
    }

    /** Indexes {@code source} to its end into a fresh DuckDB file and returns every row of every table, in order. */
    private List<String> index(ChainSource source) throws SQLException {
        return index(source, Indexer.MAX_BLOCKS_PER_BATCH);
    }

    private List<String> index(ChainSource source, int batch) throws SQLException {
        try (StatsDb db = StatsDb.open("duckdb:" + dir.resolve("stats" + databases++ + ".duckdb"))) {
            Indexer indexer = new Indexer(db, source, batch);
            for (int rounds = 0; indexer.height() < BLOCKS; rounds++) {
                assertThat(rounds).as("rounds to reach the chain's end").isLessThan(BLOCKS + 10);
                indexer.catchUp();
            }
            return dump(db);
        }
    }

    static List<String> dump(StatsDb db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'main' AND table_name NOT LIKE 'flyway%' ORDER BY table_name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            assertThat(tables).contains("block", "lease", "payment", "indexer_cursor");
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY ALL")) {
                    ResultSetMetaData m = r.getMetaData();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder(t);
                        for (int i = 1; i <= m.getColumnCount(); i++) {
                            row.append('|').append(r.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }
}

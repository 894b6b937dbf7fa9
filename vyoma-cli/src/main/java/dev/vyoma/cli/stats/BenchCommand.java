package dev.vyoma.cli.stats;

import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.stats.bench.StatsBench;
import dev.vyoma.stats.store.StatsDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vyoma stats bench}: the report's and the indexer's speed, or indexing over a running node. */
@Command(
        name = "bench",
        description = {
            "Time a quarter-over-quarter report over synthetic leases and payments in DuckDB,",
            "and the indexing rate of a chain scripted through the real ledger."
        })
final class BenchCommand extends OutputCommand {
    @Option(names = "--leases", defaultValue = "1000000", description = "Default: ${DEFAULT-VALUE}.")
    long leases;

    @Option(names = "--payments", defaultValue = "10000000", description = "Default: ${DEFAULT-VALUE}.")
    long payments;

    @Option(names = "--blocks", defaultValue = "5000", description = "Blocks to index (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--db", description = "A DuckDB file for the report benchmark (default: a temporary one).")
    Path dbFile;

    @Option(
            names = "--over-node",
            paramLabel = "BLOCKS",
            description = {
                "Instead: start a one-node chain, let it reach BLOCKS blocks, and index them over HTTP one block",
                "per request, then in ranges (GET /v1/blocks?from=&to=), back to back."
            })
    Integer overNode;

    @Option(
            names = "--block-interval",
            defaultValue = "10ms",
            description = "With --over-node: the chain's block interval (default: ${DEFAULT-VALUE}).")
    String blockInterval;

    @Override
    public Integer call() throws Exception {
        if (overNode != null) {
            if (overNode < 1 || overNode > 10_000_000) {
                throw new UserException("--over-node is a number of blocks from 1 to 10000000");
            }
            NodeIndexBench.Result r =
                    NodeIndexBench.run(overNode, StatsCommand.duration(blockInterval, "--block-interval"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("blocks", r.blocks());
            out.put("indexedEvents", r.events());
            out.put("perBlockSeconds", Math.round(r.perBlockSeconds() * 1000) / 1000.0);
            out.put("perBlockBlocksPerSecond", Math.round(r.blocks() / r.perBlockSeconds()));
            out.put("rangeSeconds", Math.round(r.rangeSeconds() * 1000) / 1000.0);
            out.put("rangeBlocksPerSecond", Math.round(r.blocks() / r.rangeSeconds()));
            out.put("speedup", Math.round(r.perBlockSeconds() / r.rangeSeconds() * 10) / 10.0);
            out.put("loadAverage", Math.round(r.loadAverage() * 100) / 100.0);
            return print(out);
        }
        Path dir = null;
        Path file = dbFile;
        if (file == null) {
            dir = Files.createTempDirectory("vyoma-stats-bench-");
            file = dir.resolve("bench.duckdb");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (StatsDb db = StatsCommand.open("duckdb:" + file)) {
            StatsBench.ReportResult r = StatsBench.report(db, leases, payments, 3);
            out.put("leases", r.leases());
            out.put("payments", r.payments());
            out.put("blocks", r.blocks());
            out.put("fillSeconds", Math.round(r.fillSeconds() * 100) / 100.0);
            out.put("reportSeconds", Math.round(r.reportSeconds() * 1000) / 1000.0);
        } finally {
            if (dir != null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir.resolve("bench.duckdb.wal"));
                Files.deleteIfExists(dir);
            }
        }
        try (StatsDb db = StatsCommand.open("duckdb::memory:")) {
            StatsBench.IndexResult r = StatsBench.indexing(db, blocks);
            out.put("indexedBlocks", r.blocks());
            out.put("indexedEvents", r.events());
            out.put("indexBlocksPerSecond", Math.round(r.blocksPerSecond()));
        }
        return print(out);
    }
}

package dev.vyoma.cli.stats;

import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.stats.capacity.CapacityPoller;
import dev.vyoma.stats.capacity.PollPolicy;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.index.IndexException;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.scenario.CalibratedScenario;
import dev.vyoma.stats.scenario.QuarterScenario;
import dev.vyoma.stats.scenario.ScenarioSpec;
import dev.vyoma.stats.source.NodeSource;
import dev.vyoma.stats.source.SourceException;
import dev.vyoma.stats.store.StatsDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vyoma stats …}: index the chain into SQL, report a period against the previous one, serve a dashboard. */
@Subcommands({
    StatsCommand.Index.class,
    ReportCommand.class,
    StatsCommand.Serve.class,
    StatsCommand.Prices.class,
    BenchCommand.class,
    StatsCommand.Example.class,
    StatsCommand.Scenario.class
})
@Command(
        name = "stats",
        description = "Network statistics: index the chain into SQL, report periods with charts, serve a dashboard.")
public final class StatsCommand extends Group {
    static StatsDb open(String db) {
        try {
            return StatsDb.open(db);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    static Duration duration(String text, String option) {
        try {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new UserException(option + " is a duration such as 500ms, 10s, 15m or 1h; got " + text);
        }
    }

    /** What index and serve share: the node to follow, the database, how often to poll. */
    static final class Follow {
        @Option(names = "--node", description = "The node's API to follow (default: http://127.0.0.1:1317).")
        String node = "http://127.0.0.1:1317";

        @Option(
                names = "--db",
                required = true,
                description = "duckdb:PATH (a file) or postgresql://HOST[:PORT]/DATABASE.")
        String db;

        @Option(
                names = "--interval",
                description = "How often to look for new blocks (default: ${DEFAULT-VALUE}).",
                defaultValue = "1s")
        String interval;

        @Option(
                names = "--capacity-interval",
                description =
                        "How often to poll each registered provider's status endpoint (default: ${DEFAULT-VALUE}; 0 to never).",
                defaultValue = "15m")
        String capacityInterval;

        @Option(
                names = "--poll-private-providers",
                description = "Also poll providers whose host is loopback or a private address (devnets only: "
                        + "anyone can register any host, and the indexer would contact it from inside its network).")
        boolean pollPrivate;

        /** Follows until interrupted, or once to the head with {@code once}. */
        void run(StatsDb db, boolean once, PrintWriter err) throws Exception {
            Indexer indexer = new Indexer(db, new NodeSource(node));
            CapacityPoller poller = null;
            if (!capacityInterval.equals("0")) {
                ProviderGateway gateway = new ProviderGateway(new VyomaClient(node));
                poller = new CapacityPoller(
                        new SnapshotStore(db),
                        gateway::status,
                        Clock.systemUTC(),
                        duration(capacityInterval, "--capacity-interval"),
                        pollPrivate ? PollPolicy.allowingPrivate() : PollPolicy.publicOnly());
            }
            long sleep = duration(interval, "--interval").toMillis();
            while (true) {
                long n = indexer.catchUp();
                if (n > 0) {
                    err.println("stats: indexed to height " + indexer.height());
                    err.flush();
                }
                if (poller != null) {
                    try {
                        poller.poll();
                    } catch (java.sql.SQLException e) {
                        // The providers could not be listed: this round has no snapshots; the next may.
                        err.println("stats: capacity poll skipped: " + e.getMessage());
                        err.flush();
                    }
                }
                if (once) {
                    return;
                }
                Thread.sleep(sleep);
            }
        }
    }

    @Command(
            name = "index",
            description = {
                "Follow the chain from genesis into SQL: blocks, leases, payments, providers; and poll providers' capacity.",
                "Resumable (it continues after the last block it wrote) and idempotent (a block is never written twice)."
            })
    static final class Index extends OutputCommand {
        @picocli.CommandLine.Mixin
        Follow follow = new Follow();

        @Option(names = "--once", description = "Index up to the chain's current height, poll capacity once, and exit.")
        boolean once;

        @Override
        public Integer call() throws Exception {
            try (StatsDb db = open(follow.db)) {
                follow.run(db, once, spec.commandLine().getErr());
            } catch (SourceException | IndexException e) {
                throw new UserException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "serve",
            description = {
                "Serve the dashboard (GET /) and its JSON API (/api/report, /api/charts/NAME.png, /api/status).",
                "With --node it also follows the chain in the same process (a DuckDB file has one writer)."
            })
    static final class Serve extends OutputCommand {
        @Option(names = "--db", required = true, description = "duckdb:PATH or postgresql://HOST[:PORT]/DATABASE.")
        String db;

        @Option(names = "--node", description = "Also follow this node's chain into the database.")
        String node;

        @Option(
                names = "--listen",
                description = "host:port (default: ${DEFAULT-VALUE}).",
                defaultValue = "127.0.0.1:8090")
        String listen;

        @Option(
                names = "--capacity-interval",
                description = "With --node: how often to poll providers (default: ${DEFAULT-VALUE}).",
                defaultValue = "15m")
        String capacityInterval;

        @Option(
                names = "--poll-private-providers",
                description = "Also poll providers whose host is loopback or a private address (devnets only: "
                        + "anyone can register any host, and the indexer would contact it from inside its network).")
        boolean pollPrivate;

        @Option(
                names = "--missing-price",
                description = "What a day without a USD price counts: zero (0 USD, as Akash) or last (the latest"
                        + " earlier price) (default: ${DEFAULT-VALUE}).",
                defaultValue = "zero")
        String missingPrice;

        @Override
        public Integer call() throws Exception {
            PriceTable.MissingPrice rule;
            try {
                rule = PriceTable.MissingPrice.parse(missingPrice);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            int colon = listen.lastIndexOf(':');
            int port;
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (RuntimeException e) {
                throw new UserException("--listen is host:port, got " + listen);
            }
            try (StatsDb db = open(this.db)) {
                MetricsQuery q =
                        new MetricsQuery(db, MetricsQuery.prices(db, List.of(), rule), MetricsQuery.DEFAULT_GRACE);
                NodeSource source = node == null ? null : new NodeSource(node);
                Indexer height = new Indexer(db, source);
                try (Dashboard d = Dashboard.start(q, height::height, listen.substring(0, Math.max(0, colon)), port)) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("stats: dashboard on http://" + listen.substring(0, colon) + ":" + d.port() + "/");
                    err.flush();
                    if (node != null) {
                        Follow f = new Follow();
                        f.node = node;
                        f.db = this.db;
                        f.interval = "1s";
                        f.capacityInterval = capacityInterval;
                        f.pollPrivate = pollPrivate;
                        f.run(db, false, err);
                    } else {
                        Thread.currentThread().join();
                    }
                }
            } catch (SourceException | IndexException e) {
                throw new UserException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(
            name = "prices",
            description = "Store the operator's USD prices (CSV denom,YYYY-MM-DD,usd-per-token) in the database.")
    static final class Prices extends OutputCommand {
        @Option(names = "--db", required = true, description = "duckdb:PATH or postgresql://HOST[:PORT]/DATABASE.")
        String db;

        @Option(names = "--file", required = true, description = "The CSV file.")
        Path file;

        @Override
        public Integer call() throws Exception {
            List<PriceTable.Entry> entries;
            try {
                entries = PriceTable.read(file);
            } catch (IOException e) {
                throw new UserException("cannot read " + file + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            try (StatsDb d = open(db)) {
                MetricsQuery.storePrices(d, entries);
            }
            spec.commandLine().getOut().println("stored " + entries.size() + " prices");
            return 0;
        }
    }

    @Command(
            name = "scenario",
            description = {
                "Generate a calibrated scenario (examples/scenarios, format vyoma-stats-scenario/1) into a fresh",
                "database: a chain scripted through the real ledger and its providers' status answers, indexed."
            })
    static final class Scenario extends OutputCommand {
        @picocli.CommandLine.Parameters(paramLabel = "SCENARIO.yaml", description = "The scenario file.")
        Path file;

        @Option(
                names = "--db",
                required = true,
                description = "A fresh database: duckdb:PATH or postgresql://HOST[:PORT]/DATABASE.")
        String db;

        @Override
        public Integer call() throws Exception {
            ScenarioSpec scenario;
            try {
                if (Files.size(file) > ScenarioSpec.MAX_FILE_BYTES) {
                    throw new UserException(
                            file + " is larger than " + ScenarioSpec.MAX_FILE_BYTES + " bytes; is it a scenario?");
                }
                scenario = ScenarioSpec.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
            } catch (IOException e) {
                throw new UserException("cannot read " + file + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            try (StatsDb d = open(db)) {
                if (new Indexer(d, null).height() > 0) {
                    throw new UserException(db + " already holds a chain; a scenario goes into a fresh database");
                }
                long t0 = System.nanoTime();
                CalibratedScenario.Result r = CalibratedScenario.run(scenario, d);
                PrintWriter err = spec.commandLine().getErr();
                err.printf("stats: generated %s in %.1f s%n", scenario.name(), (System.nanoTime() - t0) / 1e9);
                err.flush();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("scenario", scenario.name());
                out.put("from", scenario.start().toString());
                out.put("to", scenario.end().toString());
                out.put("blocks", r.blocks());
                out.put("leases", r.leases());
                out.put("gpuLeases", r.gpuLeases());
                out.put("gpuBids", r.gpuBids());
                out.put("statusPolls", r.polls());
                out.put("failedPolls", r.failedPolls());
                Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, out);
            }
            return 0;
        }
    }

    @Command(
            name = "example",
            description =
                    "Regenerate docs/examples: a scripted two-quarter chain through the real ledger, indexed, reported in markdown with charts.")
    static final class Example extends OutputCommand {
        @Option(names = "--out", defaultValue = "docs/examples", description = "Directory (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(out);
            try (StatsDb db = open("duckdb::memory:")) {
                Report r = QuarterScenario.indexAndReport(db);
                List<String> files = Charts.write(r.current(), out);
                String md = ReportView.markdown(r, "State of the network: example quarter (scripted)", files);
                md +=
                        "\nGenerated from a scripted chain (dev.vyoma.stats.scenario.QuarterScenario) through the real ledger;"
                                + " regenerate with `bin/vyoma stats example --out docs/examples`.\n";
                Files.writeString(out.resolve("quarter-report.md"), md, StandardCharsets.UTF_8);
                spec.commandLine()
                        .getOut()
                        .println("wrote " + out.resolve("quarter-report.md") + " and " + files.size() + " charts");
            } catch (SQLException e) {
                throw new UserException(e.getMessage());
            }
            return 0;
        }
    }
}

package dev.vyoma.cli.sim;

import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.sim.MarketSim;
import dev.vyoma.sim.Scenario;
import dev.vyoma.sim.ScenarioException;
import dev.vyoma.sim.SimOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma sim …}: run a market scenario through the real ledger and bid engine on a simulated clock. */
@Subcommands({SimCommand.Run.class})
@Command(
        name = "sim",
        description = "Market simulator: the real ledger and bid engine on a simulated clock, from a seed.")
public final class SimCommand extends Group {
    @Command(
            name = "run",
            description = {
                "Run SCENARIO.yaml: summary.json, daily.csv, providers.csv and charts in --out, and the chain indexed",
                "by vyoma-stats (stats.duckdb) with its 'State of the network' report (report.md, report.json)."
            })
    static final class Run extends OutputCommand {
        @Parameters(paramLabel = "SCENARIO.yaml", description = "The scenario file (see examples/scenarios).")
        Path scenario;

        @Option(names = "--seed", description = "Seed of every random draw (default: the scenario's seed).")
        Long seed;

        @Option(names = "--out", description = "Directory for the outputs (default: sim-out/NAME-SEED).")
        Path out;

        @Option(
                names = "--check-every",
                defaultValue = "100000",
                description =
                        "Verify the ledger's invariants every N blocks (1: after every block; 0: only at the end) (default: ${DEFAULT-VALUE}).")
        int invariantsEvery;

        @Option(
                names = "--capacity-check-every",
                defaultValue = "10000",
                description =
                        "Check from the chain that no provider is allocated past its capacity every N blocks (default: ${DEFAULT-VALUE}).")
        int capacityEvery;

        @Option(
                names = "--verify-every",
                defaultValue = "8",
                description = "Verify one transaction's signature in N before its block is applied (1: every one)."
                        + " The simulator signs every transaction itself, so checking them all re-proves its own"
                        + " work at a third of the run time (default: ${DEFAULT-VALUE}).")
        int verifyEvery;

        @Option(
                names = "--threads",
                defaultValue = "2",
                description = "Threads that sign and verify transactions (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--no-stats", description = "Skip indexing the chain and the stats report.")
        boolean noStats;

        @Override
        public Integer call() {
            String text;
            try {
                text = Files.readString(scenario, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UserException("no scenario file " + scenario);
            } catch (IOException e) {
                throw new UserException("cannot read " + scenario + ": " + e.getMessage());
            }
            Scenario sc;
            try {
                sc = Scenario.parse(text, scenario.toString());
            } catch (ScenarioException e) {
                throw new UserException(e.getMessage());
            }
            if (verifyEvery < 1) {
                throw new UserException("--verify-every is 1 or more, got " + verifyEvery);
            }
            if (invariantsEvery < 0 || capacityEvery < 0 || threads < 1) {
                throw new UserException(
                        "--check-every and --capacity-check-every must be 0 or more, --threads 1 or more");
            }
            long s = seed != null ? seed : sc.seed();
            Path dir = out != null ? out : Path.of("sim-out", sc.name() + "-" + s);
            MarketSim sim =
                    new MarketSim(sc, s, new MarketSim.Checks(invariantsEvery, capacityEvery), threads, verifyEvery);
            long t0 = System.nanoTime();
            try {
                sim.run();
            } finally {
                sim.close();
            }
            double runSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            Map<String, Object> summary;
            try {
                summary = SimOutputs.write(sim, dir, Duration.ofDays(sc.days()), !noStats);
            } catch (IOException | SQLException e) {
                throw new UserException("writing the outputs into " + dir + " failed: " + e.getMessage());
            }
            double writeSeconds = (System.nanoTime() - t1) / 1e9;
            // Wall-clock figures go to the terminal only, never into the outputs (they must be byte-identical).
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("scenario", sc.name());
            shown.put("seed", s);
            shown.put("blocks", summary.get("blocks"));
            shown.put("leasesCreated", summary.get("leasesCreated"));
            shown.put("transactions", summary.get("transactions"));
            shown.put("stateCommitment", summary.get("stateCommitment"));
            shown.put("runSeconds", Math.round(runSeconds * 100) / 100.0);
            shown.put("blocksPerSecond", Math.round(sim.height() / runSeconds));
            shown.put("outputSeconds", Math.round(writeSeconds * 100) / 100.0);
            shown.put("out", dir.toString());
            return print(shown);
        }
    }
}

package dev.vyoma.cli.bench;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.node.bench.NodeBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vyoma bench …}: measurements that need whole processes (JMH covers the rest, see bin/bench). */
@Subcommands({
    BenchCommand.NodeLoad.class,
    BenchContainers.class,
    dev.vyoma.cli.inference.InferenceCommand.BenchInference.class
})
@Command(name = "bench", description = "Benchmarks of whole processes.")
public final class BenchCommand extends Group {
    @Command(
            name = "node",
            description = {
                "Load a local network and measure committed transactions per second and commit latency.",
                "Each client keeps one Send in flight (POST /v1/txs?wait=commit); clients are spread over the validators."
            })
    static final class NodeLoad extends OutputCommand {
        @Option(
                names = "--validators",
                split = ",",
                description = "Network sizes to run, in order (default: 1,3).",
                defaultValue = "1,3")
        List<Integer> validators;

        @Option(
                names = "--clients",
                description = "Concurrent clients (default: ${DEFAULT-VALUE}).",
                defaultValue = "1000")
        int clients;

        @Option(names = "--block-interval", description = "Default: ${DEFAULT-VALUE}.", defaultValue = "1s")
        String blockInterval;

        @Option(names = "--warmup", description = "Default: ${DEFAULT-VALUE}.", defaultValue = "10s")
        String warmup;

        @Option(
                names = "--duration",
                description = "Measured time per network (default: ${DEFAULT-VALUE}).",
                defaultValue = "30s")
        String duration;

        @Option(
                names = "--node-heap",
                description = "Heap of each node (default: ${DEFAULT-VALUE}).",
                defaultValue = "1g")
        String nodeHeap;

        @Option(
                names = "--node-jvm-option",
                description =
                        "An extra JVM option for every node (repeatable), e.g. -XX:StartFlightRecording=filename=/tmp/node-%%p.jfr.")
        List<String> nodeJvmOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || clients > 20_000) {
                throw new UserException("--clients must be 1 to 20000, got " + clients);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int v : validators) {
                if (v < 1 || v > 7) {
                    throw new UserException("--validators takes sizes from 1 to 7, got " + v);
                }
                Path dir = Files.createTempDirectory("vyoma-bench-");
                try {
                    NodeBench.Result r = NodeBench.run(
                            dir,
                            v,
                            clients,
                            Duration.ofMillis(Args.millis(blockInterval)),
                            Duration.ofMillis(Args.millis(warmup)),
                            Duration.ofMillis(Args.millis(duration)),
                            jvmOptions(),
                            line -> {
                                err.println("bench: " + line);
                                err.flush();
                            });
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("validators", r.validators());
                    row.put("clients", r.accounts());
                    row.put("blockIntervalMs", r.blockIntervalMillis());
                    row.put("seconds", r.seconds());
                    row.put("committed", r.committed());
                    row.put("failed", r.failed());
                    row.put("txPerSecond", Math.round(r.txPerSecond() * 10) / 10.0);
                    row.put("p50Ms", Math.round(r.p50Millis()));
                    row.put("p99Ms", Math.round(r.p99Millis()));
                    row.put("maxMs", Math.round(r.maxMillis()));
                    row.put("blocks", r.blocks());
                    rows.add(row);
                    err.println("bench: " + row);
                    err.flush();
                } catch (IOException e) {
                    throw new UserException("bench: " + e.getMessage());
                } finally {
                    NodeBench.deleteTree(dir);
                }
            }
            Out.records(out, GlobalOptions.of(spec).output, rows);
            return 0;
        }

        private List<String> jvmOptions() {
            List<String> all = new ArrayList<>(List.of("-Xms" + nodeHeap, "-Xmx" + nodeHeap));
            all.addAll(nodeJvmOptions);
            return all;
        }
    }
}

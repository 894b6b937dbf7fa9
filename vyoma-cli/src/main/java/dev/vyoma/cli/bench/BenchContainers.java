package dev.vyoma.cli.bench;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.cli.devnet.DevnetEngine;
import dev.vyoma.node.bench.NodeBench;
import dev.vyoma.provider.bench.ContainerBench;
import dev.vyoma.provider.runtime.container.BusyboxImage;
import dev.vyoma.provider.runtime.container.Engine;
import dev.vyoma.provider.runtime.container.EngineAddress;
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

/** {@code vyoma bench containers}: manifest → answering URL on the container runtime, and the ingress's cost. */
@Command(
        name = "containers",
        description = {
            "Measure how long a lease's URL takes to answer after its manifest on the container runtime (over --leases"
                    + " leases deployed one after another), then the ingress against the container's own port.",
            "Uses the engine a provider would (DOCKER_HOST, the usual sockets), else starts Podman's API service."
        })
final class BenchContainers extends OutputCommand {
    @Option(names = "--leases", description = "Leases to deploy (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int leases;

    @Option(
            names = "--image",
            description = "An image the engine has, whose /bin/sh and /bin/busybox serve the page (default: one"
                    + " imported from the host's /bin/busybox, from Debian's busybox-static).")
    String image;

    @Option(
            names = "--concurrency",
            description = "Clients of the load part (default: ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int concurrency;

    @Option(
            names = "--duration",
            description = "Load time, split between direct and ingress (default: ${DEFAULT-VALUE}).",
            defaultValue = "20s")
    String duration;

    @Option(
            names = "--rounds",
            description = "Alternating direct/ingress rounds (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int rounds;

    @Option(
            names = "--warmup",
            description = "Untimed load before the rounds, both ways, so that the ingress runs compiled as on a"
                    + " provider that has been up a while; 0s for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "6s")
    String warmup;

    @Option(
            names = "--keep-alive",
            description = "Also measure with clients that keep their connections open between requests, as browsers"
                    + " do (a second row; --duration is shared between both).")
    boolean keepAlive;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Duration load = Duration.ofMillis(Args.millis(duration)).dividedBy(2);
        ContainerBench.Settings settings;
        Path dir = Files.createTempDirectory("vyoma-bench-");
        try (DevnetEngine engine = DevnetEngine.choose(DevnetEngine.Mode.container, dir, false)) {
            EngineAddress address = engine.address().orElseThrow();
            err.println("bench: " + engine.description());
            String chosen = image;
            if (chosen == null) {
                try (Engine e = Engine.connect(address)) {
                    chosen = BusyboxImage.ensure(e, BusyboxImage.DEFAULT_BINARY);
                }
            }
            try {
                settings = new ContainerBench.Settings(
                        chosen, leases, concurrency, load, rounds, Duration.ofMillis(Args.millis(warmup)), keepAlive);
            } catch (IllegalArgumentException e) {
                throw new UserException("bench containers: " + e.getMessage());
            }
            ContainerBench.Result r = ContainerBench.run(address, dir, settings, line -> {
                err.println("bench: " + line);
                err.flush();
            });
            List<Map<String, Object>> rows = new ArrayList<>();
            rows.add(row(r, "per request", r.newConnections()));
            r.keepAlive().ifPresent(k -> rows.add(row(r, "kept open", k)));
            print(rows);
            long failed = r.newConnections().direct().failed()
                    + r.newConnections().ingress().failed()
                    + r.keepAlive()
                            .map(k -> k.direct().failed() + k.ingress().failed())
                            .orElse(0L);
            return failed == 0 ? 0 : 1;
        } catch (IOException e) {
            throw new UserException("bench containers: " + e.getMessage());
        } finally {
            NodeBench.deleteTree(dir);
        }
    }

    /** One row: the manifest figures, then one load comparison ({@code connections}: how the clients used them). */
    private Map<String, Object> row(ContainerBench.Result r, String connections, ContainerBench.Comparison c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("leases", r.manifestToUrl().count());
        row.put("manifestToUrlP50Ms", round(r.manifestToUrl().p50()));
        row.put("manifestToUrlP99Ms", round(r.manifestToUrl().p99()));
        row.put("manifestToUrlMaxMs", round(r.manifestToUrl().max()));
        row.put("clients", concurrency);
        row.put("connections", connections);
        row.put("directPerSecond", round(c.direct().perSecond()));
        row.put("ingressPerSecond", round(c.ingress().perSecond()));
        row.put("throughputRatio", Math.round(c.throughputRatio() * 1000) / 1000.0);
        row.put("directP50Ms", round(c.direct().latency().p50()));
        row.put("directP99Ms", round(c.direct().latency().p99()));
        row.put("ingressP50Ms", round(c.ingress().latency().p50()));
        row.put("ingressP99Ms", round(c.ingress().latency().p99()));
        row.put("addedP50Ms", round(c.addedP50()));
        row.put("addedP99Ms", round(c.addedP99()));
        row.put("failedDirect", c.direct().failed());
        row.put("failedIngress", c.ingress().failed());
        return row;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

package dev.vyoma.cli.bench;

import dev.vyoma.cli.Args;
import dev.vyoma.cli.OutputCommand;
import dev.vyoma.cli.UserException;
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
                settings = new ContainerBench.Settings(chosen, leases, concurrency, load, rounds);
            } catch (IllegalArgumentException e) {
                throw new UserException("bench containers: " + e.getMessage());
            }
            ContainerBench.Result r = ContainerBench.run(address, dir, settings, line -> {
                err.println("bench: " + line);
                err.flush();
            });
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("leases", r.manifestToUrl().count());
            row.put("manifestToUrlP50Ms", round(r.manifestToUrl().p50()));
            row.put("manifestToUrlP99Ms", round(r.manifestToUrl().p99()));
            row.put("manifestToUrlMaxMs", round(r.manifestToUrl().max()));
            row.put("clients", concurrency);
            row.put("directPerSecond", round(r.direct().perSecond()));
            row.put("ingressPerSecond", round(r.ingress().perSecond()));
            row.put("throughputRatio", Math.round(r.throughputRatio() * 1000) / 1000.0);
            row.put("directP50Ms", round(r.direct().latency().p50()));
            row.put("directP99Ms", round(r.direct().latency().p99()));
            row.put("ingressP50Ms", round(r.ingress().latency().p50()));
            row.put("ingressP99Ms", round(r.ingress().latency().p99()));
            row.put(
                    "addedP50Ms",
                    round(r.ingress().latency().p50() - r.direct().latency().p50()));
            row.put(
                    "addedP99Ms",
                    round(r.ingress().latency().p99() - r.direct().latency().p99()));
            row.put("failedDirect", r.direct().failed());
            row.put("failedIngress", r.ingress().failed());
            print(List.of(row));
            return r.direct().failed() + r.ingress().failed() == 0 ? 0 : 1;
        } catch (IOException e) {
            throw new UserException("bench containers: " + e.getMessage());
        } finally {
            NodeBench.deleteTree(dir);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

package dev.vyoma.cli;

import dev.vyoma.client.Deployer;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.sdl.SdlDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyoma deploy FILE}: from an SDL file to running services in one command. */
@Command(
        name = "deploy",
        description = {
            "Deploy an SDL file: create the deployment, wait for bids, lease the cheapest (or --pick PROVIDER),",
            "send the manifest, wait until the services are ready and print their URIs."
        })
final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "FILE", description = "The SDL file; - reads standard input.")
    String file;

    @Option(names = "--from", required = true, description = "The tenant's key.")
    String from;

    @Option(
            names = "--deposit",
            description = "Escrow deposit (default: ${DEFAULT-VALUE}).",
            defaultValue = "5000000uusd")
    String deposit;

    @Option(names = "--pick", description = "cheapest (default) or a provider's address.", defaultValue = "cheapest")
    String pick;

    @Option(
            names = "--timeout",
            description = "How long to wait for bids, then for the services (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String timeout;

    @Override
    public Integer call() throws Exception {
        SdlDocument doc =
                SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
        long wait = NodeCommand.millis(timeout);
        KeyPair key = client.unlock(from);
        Deployer deployer = new Deployer(client.client());
        Deployer.Result r;
        try {
            r = deployer.deploy(
                    key,
                    doc,
                    new Deployer.Options(
                            MarketTxCommands.coin(deposit, "--deposit"),
                            pick,
                            Duration.ofMillis(wait),
                            Duration.ofMillis(wait)),
                    line -> {
                        spec.commandLine().getErr().println("vyoma: " + line);
                        spec.commandLine().getErr().flush();
                    });
        } catch (Deployer.DeployException | VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Deployer.Leased l : r.leases()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lease", l.lease());
            row.put("price", l.price());
            row.put("ready", l.ready() + "/" + l.total());
            row.put("uris", String.join(",", l.uris()));
            rows.add(row);
        }
        Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, rows);
        return 0;
    }
}

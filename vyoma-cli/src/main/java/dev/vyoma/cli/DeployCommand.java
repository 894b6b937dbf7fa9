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
        subcommands = {DeployCommand.ListDeployments.class, DeployCommand.Status.class, DeployCommand.Close.class},
        description = {
            "Deploy an SDL file: create the deployment, wait for bids, lease the cheapest (or --pick PROVIDER),",
            "send the manifest, wait until the services are ready and print their URIs."
        })
final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The SDL file; - reads standard input.")
    String file;

    @Option(names = "--from", description = "The tenant's key.")
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
        if (file == null || from == null) {
            throw new UserException("vyoma deploy FILE --from KEY (or vyoma deploy list|status|close; see --help)");
        }
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

    @Command(name = "list", description = "Your active deployments and their leases.")
    static final class ListDeployments implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Option(names = "--from", required = true)
        String from;

        @Override
        public Integer call() throws java.io.IOException {
            String owner;
            try {
                owner = client.keyring().show(from).address().toString();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UserException("no key named " + from);
            }
            VyomaClient c = client.client();
            List<Map<String, Object>> rows = new ArrayList<>();
            try {
                for (var d : c.getJson("/v1/deployments?owner=" + owner + "&state=active&limit=1000")
                        .orElseThrow()
                        .path("items")) {
                    long dseq = d.path("id").path("dseq").asLong();
                    List<String> leases = new ArrayList<>();
                    for (var l : c.getJson("/v1/leases?owner=" + owner + "&state=active&limit=1000")
                            .orElseThrow()
                            .path("items")) {
                        if (l.path("id").path("dseq").asLong() == dseq) {
                            leases.add(l.path("id").path("provider").asString() + " at "
                                    + l.path("price").path("amount").asString()
                                    + l.path("price").path("denom").asString());
                        }
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("dseq", dseq);
                    row.put("leases", String.join("; ", leases));
                    rows.add(row);
                }
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, rows);
            return 0;
        }
    }

    @Command(
            name = "status",
            description = "What the providers say about a deployment's leases: vyoma deploy status DSEQ --from KEY.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Option(names = "--from", required = true)
        String from;

        @Parameters(paramLabel = "DSEQ")
        String dseq;

        @Override
        public Integer call() throws Exception {
            KeyPair key = client.unlock(from);
            VyomaClient c = client.client();
            Deployer deployer = new Deployer(c);
            List<Map<String, Object>> rows = new ArrayList<>();
            try {
                for (var l : c.getJson("/v1/leases?owner=" + key.address() + "&state=active&limit=1000")
                        .orElseThrow()
                        .path("items")) {
                    var id = l.path("id");
                    if (!Long.toString(id.path("dseq").asLong()).equals(dseq)) {
                        continue;
                    }
                    String lease = id.path("owner").asString() + "/"
                            + id.path("dseq").asLong() + "/" + id.path("gseq").asInt() + "/"
                            + id.path("oseq").asInt() + "/"
                            + id.path("provider").asString();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("lease", lease);
                    try {
                        var s = deployer.status(key, lease);
                        row.put("manifest", s.path("manifest").asString());
                        row.put(
                                "ready",
                                s.path("ready").asInt() + "/" + s.path("total").asInt());
                        List<String> uris = new ArrayList<>();
                        s.path("uris").forEach(u -> uris.add(u.asString()));
                        row.put("uris", String.join(",", uris));
                        row.put("problem", s.path("problem").asString(""));
                    } catch (Deployer.DeployException e) {
                        row.put("problem", e.getMessage());
                    }
                    rows.add(row);
                }
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            if (rows.isEmpty()) {
                throw new UserException("no active lease for deployment " + dseq + " of " + key.address());
            }
            Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, rows);
            return 0;
        }
    }

    @Command(
            name = "close",
            description = "Close a deployment: its leases end, its services stop, the rest of the deposit comes back.")
    static final class Close implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "DSEQ")
        String dseq;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(
                    spec,
                    options,
                    key,
                    List.of(new dev.vyoma.ledger.tx.Msg.CloseDeployment(new dev.vyoma.ledger.deployment.DeploymentId(
                            key.address(), MarketTxCommands.number(dseq, "DSEQ")))));
        }
    }
}

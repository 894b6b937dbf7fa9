package dev.vyoma.cli.deploy;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.ClientCommand;
import dev.vyoma.cli.common.ClientOptions;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.SdlFiles;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.cli.tx.SignedTxCommand;
import dev.vyoma.client.Deployer;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.sdl.SdlDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma deploy FILE}: from an SDL file to running services in one command. */
@Subcommands({
    DeployCommand.ListDeployments.class,
    DeployCommand.Status.class,
    DeployCommand.Logs.class,
    DeployCommand.Events.class,
    DeployCommand.ShellCommand.class,
    DeployCommand.Update.class,
    DeployCommand.Close.class,
    TopupCommand.class,
    WatchCommand.class
})
@Command(
        name = "deploy",
        description = {
            "Deploy an SDL file: create the deployment, wait for bids, lease the cheapest (or --pick PROVIDER),",
            "send the manifest, wait until the services are ready and print their URIs."
        })
public final class DeployCommand extends ClientCommand {
    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The SDL file; - reads standard input.")
    String file;

    @Option(names = "--from", description = "The tenant's key.")
    String from;

    @Option(
            names = "--deposit",
            description = "Escrow deposit (default: ${DEFAULT-VALUE}).",
            defaultValue = "5000000uusd")
    String deposit;

    @Option(
            names = "--depositor",
            paramLabel = "GRANTER",
            description = "Draw the deposit from GRANTER's deposit grant to you instead of your balance.")
    String depositor;

    @Option(
            names = "--pick",
            description = {
                "cheapest (default), best, or a provider's address. best takes the lowest uptime-weighted price:",
                "price / u, u = the provider's uptime over 7 days / 100 (at least 0.01; 0.5 if not polled in 7 days),",
                "from the stats service given with --stats; ties go to the lower price."
            },
            defaultValue = "cheapest")
    String pick;

    @Option(
            names = "--stats",
            paramLabel = "URL",
            description = "A stats service (vyoma stats serve) whose providers' uptime --pick best weighs bids by.")
    String stats;

    @Option(
            names = "--timeout",
            description = "How long to wait for bids, then for the services (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String timeout;

    @Option(
            names = "--watch",
            description = "After deploying, watch the leases and fail over to another provider when one stops"
                    + " answering for --grace (see vyoma deploy watch).")
    boolean watch;

    @Option(
            names = "--grace",
            description = "With --watch: how long a provider may stay silent (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String grace;

    @Option(
            names = "--dry-run",
            description = "Post nothing: ask every provider's status and show who would bid, at what price, and"
                    + " the first requirement that keeps each other provider from bidding.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (file == null || (from == null && !dryRun)) {
            throw new UserException("vyoma deploy FILE --from KEY (or vyoma deploy list|status|close; see --help)");
        }
        SdlDocument doc =
                SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
        if (dryRun) {
            return print(DryRun.rows(DryRun.screen(client.client(), doc), GlobalOptions.of(spec).output));
        }
        long wait = Args.millis(timeout);
        Coin amount = Args.coin(deposit, "--deposit");
        Address granter = depositor == null ? null : Args.address(depositor, "--depositor");
        KeyPair key = client.unlock(from);
        Deployer deployer = new Deployer(client.client());
        if (pick.equals("best") && stats == null) {
            throw new UserException("--pick best weighs bids by the providers' uptime: give --stats URL");
        }
        if (stats != null) {
            try {
                deployer.weighingBidsBy(dev.vyoma.client.ProviderUptimes.fetch(stats));
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
        }
        Deployer.Result r;
        try {
            r = deployer.deploy(
                    key,
                    doc,
                    new Deployer.Options(amount, pick, Duration.ofMillis(wait), Duration.ofMillis(wait)),
                    granter,
                    line -> {
                        spec.commandLine().getErr().println("vyoma: " + line);
                        spec.commandLine().getErr().flush();
                    });
        } catch (Deployer.NoBidsException e) {
            DryRun.explain(spec.commandLine().getErr(), GlobalOptions.of(spec).output, client.client(), doc);
            throw new UserException(e.getMessage());
        } catch (Deployer.DeployException | VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
        print(rows(r.leases()));
        if (!watch) {
            return 0;
        }
        spec.commandLine().getOut().flush();
        java.io.PrintWriter err = spec.commandLine().getErr();
        var escrow = new dev.vyoma.client.EscrowWatcher(
                client.client(),
                key,
                r.deployment(),
                new dev.vyoma.client.EscrowWatcher.Options(
                        null, null, List.of(Duration.ofHours(24), Duration.ofHours(1))),
                a -> new AlertHook(null, null, err).fire(a),
                line -> err.println("vyoma: " + line));
        return print(WatchCommand.loop(
                escrow,
                WatchCommand.failover(client.client(), key, r.deployment(), doc, grace, "120s", err),
                r.deployment(),
                null,
                err));
    }

    @Command(name = "list", description = "Your active deployments and their leases.")
    static final class ListDeployments extends ClientCommand {
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
                    dev.vyoma.ledger.deployment.DeploymentId dep = dev.vyoma.client.ChainIds.deploymentId(d.path("id"));
                    long dseq = dep.dseq();
                    List<String> leases = new ArrayList<>();
                    for (var l : c.getJson("/v1/leases?owner=" + owner + "&state=active&limit=1000")
                            .orElseThrow()
                            .path("items")) {
                        dev.vyoma.ledger.market.BidId id = dev.vyoma.client.ChainIds.bidId(l.path("id"));
                        if (id.deployment().equals(dep)) {
                            leases.add(id.provider() + " at "
                                    + l.path("price").path("amount").asString()
                                    + l.path("price").path("denom").asString());
                        }
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("dseq", dseq);
                    row.put("leases", String.join("; ", leases));
                    dev.vyoma.client.EscrowView.read(c, dep).ifPresent(v -> EscrowColumns.put(row, v));
                    rows.add(row);
                }
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            return print(rows);
        }
    }

    /** What a follow-up command is about: the tenant's key ({@code --from}) and the deployment ({@code DSEQ}). */
    static final class Target {
        @Mixin
        ClientOptions client;

        @Option(names = "--from", required = true, description = "The tenant's key.")
        String from;

        @Parameters(index = "0", paramLabel = "DSEQ", description = "The deployment's sequence number.")
        String dseq;

        KeyPair key() {
            return client.unlock(from);
        }

        /** The deployment's active leases. */
        List<String> leases(KeyPair key) {
            return leasesOf(client.client(), key.address(), dseq);
        }
    }

    /** The active leases of deployment {@code dseq} of {@code owner}, as {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}. */
    static List<String> leasesOf(VyomaClient c, dev.vyoma.ledger.crypto.Address owner, String dseq) {
        dev.vyoma.ledger.deployment.DeploymentId dep;
        try {
            dep = new dev.vyoma.ledger.deployment.DeploymentId(
                    owner, dev.vyoma.ledger.deployment.DeploymentId.parseDseq(dseq));
        } catch (IllegalArgumentException e) {
            throw new UserException("DSEQ: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        try {
            new Deployer(c).activeLeases(dep).forEach(id -> out.add(id.toString()));
        } catch (VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
        if (out.isEmpty()) {
            throw new UserException("no active lease for deployment " + dseq + " of " + owner
                    + " (vyoma deploy list --from KEY shows yours)");
        }
        return out;
    }

    @Command(
            name = "status",
            description = "What the providers say about a deployment's leases: vyoma deploy status DSEQ --from KEY.")
    static final class Status extends OutputCommand {
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            KeyPair key = target.key();
            Deployer deployer = new Deployer(target.client.client());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String lease : target.leases(key)) {
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
                    s.path("forwardedPorts")
                            .forEach(f -> uris.add(f.path("host").asString() + ":"
                                    + f.path("externalPort").asInt() + "->"
                                    + f.path("service").asString() + ":"
                                    + f.path("port").asInt()));
                    row.put("uris", String.join(",", uris));
                    row.put("problem", s.path("problem").asString(""));
                } catch (Deployer.DeployException e) {
                    row.put("problem", e.getMessage());
                }
                rows.add(row);
            }
            // The deployment's escrow, on each of its leases' rows: one account pays them all.
            try {
                dev.vyoma.client.EscrowView.read(
                                target.client.client(),
                                new dev.vyoma.ledger.deployment.DeploymentId(
                                        key.address(), Args.number(target.dseq, "DSEQ")))
                        .ifPresent(v -> rows.forEach(r -> EscrowColumns.put(r, v)));
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            return print(rows);
        }
    }

    @Command(
            name = "logs",
            description = {
                "A deployment's output, from its providers: vyoma deploy logs DSEQ --from KEY [--service S] [--tail N]"
                        + " [--follow].",
                "Each line starts with [service-replica]; --follow keeps printing until Ctrl-C or the lease ends."
            })
    static final class Logs extends OutputCommand {
        @Mixin
        Target target;

        @Option(names = "--service", description = "Only this service's output.", defaultValue = "")
        String service;

        @Option(
                names = "--tail",
                description = "Lines from the end of each replica's output (default: ${DEFAULT-VALUE}; -1: all).",
                defaultValue = "100")
        int tail;

        @Option(
                names = {"-f", "--follow"},
                description = "Keep printing new lines as they are written.")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            KeyPair key = target.key();
            dev.vyoma.client.ProviderGateway gateway = new dev.vyoma.client.ProviderGateway(target.client.client());
            List<String> leases = target.leases(key);
            java.io.PrintWriter out = spec.commandLine().getOut();
            List<Thread> readers = new ArrayList<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (String lease : leases) {
                // One reader per lease (one per provider), printing whole lines as they come.
                readers.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        gateway.logs(key, lease, service, tail, follow, line -> {
                            synchronized (out) {
                                out.println(line);
                                out.flush();
                            }
                        });
                    } catch (dev.vyoma.client.ProviderGateway.GatewayException e) {
                        failures.add(e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : readers) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new UserException(String.join("; ", failures));
            }
            return 0;
        }
    }

    @Command(name = "events", description = "What happened to a deployment's leases on their providers.")
    static final class Events extends OutputCommand {
        @Mixin
        Target target;

        @Override
        public Integer call() {
            KeyPair key = target.key();
            dev.vyoma.client.ProviderGateway gateway = new dev.vyoma.client.ProviderGateway(target.client.client());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String lease : target.leases(key)) {
                try {
                    for (var e : gateway.leaseEvents(key, lease).path("events")) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("time", e.path("time").asString());
                        row.put("provider", lease.substring(lease.lastIndexOf('/') + 1));
                        row.put("event", e.path("message").asString());
                        rows.add(row);
                    }
                } catch (dev.vyoma.client.ProviderGateway.GatewayException e) {
                    throw new UserException(e.getMessage());
                }
            }
            return print(rows);
        }
    }

    @Command(
            name = "shell",
            description = {
                "Run a command in a replica of a deployment: vyoma deploy shell DSEQ --from KEY [--service S]"
                        + " [--replica N] [-i] [-t] -- CMD ARGS...",
                "Its output is printed as it comes, and vyoma exits with the command's exit code. -i sends this"
                        + " terminal's stdin to it, -t gives it a terminal (-it for an interactive shell)."
            })
    static final class ShellCommand extends OutputCommand {
        @Mixin
        Target target;

        @Option(names = "--service", description = "The service (default: the lease's only one).", defaultValue = "")
        String service;

        @Option(names = "--replica", description = "The replica's index (default: 0).", defaultValue = "0")
        int replica;

        @Option(
                names = "--provider",
                description = "The lease's provider, when the deployment has leases with several providers.")
        String provider;

        @Option(
                names = {"-i", "--stdin"},
                description = "Send stdin to the command.")
        boolean stdin;

        @Option(
                names = {"-t", "--tty"},
                description = "Give the command a terminal.")
        boolean tty;

        @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*", description = "The command and its arguments.")
        List<String> command;

        @Override
        public Integer call() throws Exception {
            KeyPair key = target.key();
            List<String> leases = target.leases(key);
            if (provider != null) {
                leases = leases.stream().filter(l -> l.endsWith("/" + provider)).toList();
                if (leases.isEmpty()) {
                    throw new UserException("deployment " + target.dseq + " has no active lease with " + provider);
                }
            } else if (leases.size() > 1) {
                throw new UserException("deployment " + target.dseq + " has leases with several providers; choose one"
                        + " with --provider: " + String.join(", ", leases));
            }
            Terminal terminal = tty ? Terminal.raw() : Terminal.NONE;
            try (Terminal t = terminal;
                    WriterStream out = new WriterStream(spec.commandLine().getOut());
                    WriterStream err = new WriterStream(spec.commandLine().getErr())) {
                return new dev.vyoma.client.ProviderGateway(target.client.client())
                        .shell(
                                key,
                                leases.get(0),
                                new dev.vyoma.client.ProviderGateway.ShellCommand(
                                        service, replica, command, stdin, tty, t.columns(), t.rows()),
                                System.in,
                                out,
                                err);
            } catch (dev.vyoma.client.ProviderGateway.GatewayException e) {
                throw new UserException(e.getMessage());
            }
        }
    }

    @Command(
            name = "update",
            description = {
                "Update a running deployment to a new SDL: vyoma deploy update DSEQ FILE --from KEY.",
                "Images, commands, env and exposes may change; resources, counts, placement and prices may not",
                "(they are what the lease pays for: create a new deployment for those)."
            })
    static final class Update extends ClientCommand {
        @Option(names = "--from", required = true)
        String from;

        @Parameters(index = "0", paramLabel = "DSEQ")
        String dseq;

        @Parameters(index = "1", paramLabel = "FILE", description = "The new SDL file; - reads standard input.")
        String file;

        @Option(
                names = "--timeout",
                description = "How long to wait for the services to run the update (default: ${DEFAULT-VALUE}).",
                defaultValue = "60s")
        String timeout;

        @Override
        public Integer call() throws Exception {
            SdlDocument doc =
                    SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
            KeyPair key = client.unlock(from);
            List<Deployer.Leased> leases;
            try {
                leases = new Deployer(client.client())
                        .update(
                                key,
                                new dev.vyoma.ledger.deployment.DeploymentId(key.address(), Args.number(dseq, "DSEQ")),
                                doc,
                                Duration.ofMillis(Args.millis(timeout)),
                                line -> {
                                    spec.commandLine().getErr().println("vyoma: " + line);
                                    spec.commandLine().getErr().flush();
                                });
            } catch (Deployer.DeployException | VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            return print(rows(leases));
        }
    }

    static List<Map<String, Object>> rows(List<Deployer.Leased> leases) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Deployer.Leased l : leases) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lease", l.lease());
            row.put("price", l.price());
            row.put("ready", l.ready() + "/" + l.total());
            row.put("uris", String.join(",", l.uris()));
            rows.add(row);
        }
        return rows;
    }

    @Command(
            name = "close",
            description = "Close a deployment: its leases end, its services stop, the rest of the deposit comes back.")
    static final class Close extends SignedTxCommand {
        @Parameters(paramLabel = "DSEQ")
        String dseq;

        @Override
        protected Message prepare() {
            return key -> new dev.vyoma.ledger.tx.Msg.CloseDeployment(
                    new dev.vyoma.ledger.deployment.DeploymentId(key.address(), Args.number(dseq, "DSEQ")));
        }
    }
}

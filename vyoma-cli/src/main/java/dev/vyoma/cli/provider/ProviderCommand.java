package dev.vyoma.cli.provider;

import dev.vyoma.cli.common.ClientOptions;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.ProviderDaemon;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vyoma provider run}: the provider daemon. */
@Subcommands({ProviderCommand.Run.class, ProviderCommand.Status.class})
@Command(name = "provider", description = "Run a provider.")
public final class ProviderCommand extends Group {
    @Command(
            name = "status",
            description = {
                "A provider's capacity, from its gateway: vyoma provider status ADDRESS.",
                "Each resource as total, allocated to leases, reserved by open bids and available; CPU in millicores,",
                "memory and storage in bytes. Says whether the inventory was declared or discovered."
            })
    static final class Status extends OutputCommand {
        @picocli.CommandLine.Mixin
        ClientOptions client;

        @picocli.CommandLine.Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            dev.vyoma.ledger.crypto.Address provider;
            try {
                provider = dev.vyoma.ledger.crypto.Address.parse(address);
            } catch (IllegalArgumentException e) {
                throw new UserException("ADDRESS: " + e.getMessage());
            }
            tools.jackson.databind.JsonNode s;
            try {
                s = new dev.vyoma.client.ProviderGateway(client.client()).status(provider);
            } catch (dev.vyoma.client.ProviderGateway.GatewayException | dev.vyoma.client.VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            OutputFormat format = GlobalOptions.of(spec).output;
            if (!format.tabular()) {
                Out.tree(
                        spec.commandLine().getOut(),
                        format,
                        tools.jackson.databind.json.JsonMapper.builder().build().treeToValue(s, Object.class));
                return 0;
            }
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.println("provider " + provider + ": inventory "
                    + s.path("inventory").asString() + ", "
                    + s.path("activeLeases").asInt() + " active lease(s), "
                    + s.path("openBids").asInt()
                    + " open bid(s)");
            java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
            rows.add(row("cpu (millicores)", s.path("cpu")));
            rows.add(row("memory (bytes)", s.path("memory")));
            s.path("storage")
                    .properties()
                    .forEach(e -> rows.add(row("storage " + e.getKey() + " (bytes)", e.getValue())));
            for (var g : s.path("gpus")) {
                rows.add(row(
                        "gpu " + g.path("vendor").asString() + "/"
                                + g.path("model").asString() + " "
                                + g.path("vram").asString() + " "
                                + g.path("interface").asString(),
                        g));
            }
            Out.records(out, format, rows);
            return 0;
        }

        private static java.util.Map<String, Object> row(String resource, tools.jackson.databind.JsonNode a) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("resource", resource);
            for (String k : java.util.List.of("total", "allocated", "reserved", "available")) {
                m.put(k, a.path(k).asLong());
            }
            return m;
        }
    }

    @Command(
            name = "run",
            description =
                    "Register (or update) the provider in --config, then bid on orders and withdraw earnings until stopped.")
    static final class Run extends OutputCommand {
        @Option(
                names = "--home",
                required = true,
                description = "The provider's home: its keyring and its state (the event cursor).")
        Path home;

        @Option(names = "--config", required = true, description = "provider.yaml (see docs/provider.md).")
        Path config;

        @Override
        public Integer call() throws Exception {
            ProviderConfig c;
            try {
                c = ProviderConfig.read(config);
            } catch (NoSuchFileException e) {
                throw new UserException(config + " does not exist");
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            Keyring.Backend backend = switch (c.keyringBackend()) {
                case "test" -> Keyring.Backend.TEST;
                case "file" -> Keyring.Backend.FILE;
                default -> throw new UserException(config + ": keyringBackend is file or test");
            };
            Keyring ring = Keyring.open(home, backend);
            KeyPair key;
            try {
                ring.show(c.key());
                key = ring.unlock(
                        c.key(),
                        backend == Keyring.Backend.TEST
                                ? null
                                : ClientOptions.readPassphrase("Passphrase for " + c.key(), false));
            } catch (NoSuchFileException e) {
                throw new UserException(
                        "no key " + c.key() + " in " + home + " (vyoma keys add " + c.key() + " --home " + home + ")");
            } catch (IllegalArgumentException | IOException e) {
                throw new UserException(e.getMessage());
            }
            ProviderDaemon daemon;
            try {
                daemon = ProviderDaemon.start(c, key, home.resolve("state"));
            } catch (dev.vyoma.client.VyomaClient.NodeException | IllegalStateException e) {
                throw new UserException(e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    daemon.close();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                stopped.countDown();
                            },
                            "shutdown"));
            spec.commandLine().getOut().println("vyoma provider " + key.address() + " running against " + c.node());
            spec.commandLine().getOut().flush();
            stopped.await();
            return 0;
        }
    }
}

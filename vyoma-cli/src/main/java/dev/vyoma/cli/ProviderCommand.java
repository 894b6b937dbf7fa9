package dev.vyoma.cli;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.ProviderDaemon;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vyoma provider run}: the provider daemon. */
@Command(
        name = "provider",
        description = "Run a provider.",
        subcommands = {ProviderCommand.Run.class})
final class ProviderCommand extends MarketTxCommands.Group {
    @Command(
            name = "run",
            description =
                    "Register (or update) the provider in --config, then bid on orders and withdraw earnings until stopped.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

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

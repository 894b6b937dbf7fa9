package dev.vyoma.cli.console;

import dev.vyoma.cli.common.ClientOptions;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.Keyring;
import dev.vyoma.console.ConsoleServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vyoma console}: serves the browser console and prints the one URL that opens it (with its session token).
 * Keys stay in this process; the page talks only to it.
 */
@Command(
        name = "console",
        description = {
            "Serve the browser console (accounts, templates, SDL editor, bids, deployments with logs and a shell,",
            "providers) on loopback and print the URL that opens it; Ctrl-C stops it. Keys never leave this process."
        })
public final class ConsoleCommand extends OutputCommand {
    /** Environment variable with the password of {@code --tls-keystore}. */
    public static final String TLS_PASSWORD_ENV = "VYOMA_CONSOLE_TLS_PASSWORD";

    @Mixin
    ClientOptions client;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            description = "Where to serve (default: ${DEFAULT-VALUE}; port 0 picks a free one). An address other than"
                    + " loopback needs --tls-keystore.",
            defaultValue = "127.0.0.1:8100")
    String listen;

    @Option(
            names = "--tls-keystore",
            paramLabel = "FILE",
            description = "A PKCS#12 file with the certificate and key to serve HTTPS with (password in "
                    + TLS_PASSWORD_ENV + ").")
    Path tlsKeystore;

    @Option(
            names = "--stats",
            paramLabel = "URL",
            description = "A stats service (vyoma stats serve): providers'"
                    + " uptime in the bid table, and the Network page's link.")
    String stats;

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description = "USD prices of denominations other than uusd"
                    + " (CSV denom,date,usd, as vyoma stats report --prices), for prices per month.")
    Path prices;

    @Option(
            names = "--templates",
            paramLabel = "DIR",
            description =
                    "A template gallery of your own (the shape of" + " examples/templates) instead of the bundled one.")
    Path templates;

    @Override
    public Integer call() throws InterruptedException {
        ConsoleServer server = start(client, listen, tlsKeystore, stats, prices, templates);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Vyoma Console: open " + server.url());
        out.println("The URL holds this session's token: share it with no one. Ctrl-C stops the console.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "console-shutdown"));
        stopped.await();
        return 0;
    }

    /** Starts a console as {@code vyoma console} and {@code vyoma devnet --console} do. */
    public static ConsoleServer start(
            ClientOptions client, String listen, Path tlsKeystore, String stats, Path prices, Path templates) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new UserException("--listen is HOST:PORT, e.g. 127.0.0.1:8100; got " + listen);
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw new UserException("--listen: the port is 0 to 65535, got " + listen.substring(colon + 1));
        }
        Optional<ConsoleServer.Tls> tls = Optional.empty();
        if (tlsKeystore != null) {
            String pass = System.getenv(TLS_PASSWORD_ENV);
            tls = Optional.of(new ConsoleServer.Tls(tlsKeystore, pass == null ? new char[0] : pass.toCharArray()));
        }
        Keyring.Backend backend = client.keyring().backend();
        try {
            return ConsoleServer.start(new ConsoleServer.Settings(
                    client.nodeUrl(),
                    client.home(),
                    backend,
                    host,
                    port,
                    tls,
                    Optional.ofNullable(stats),
                    Optional.ofNullable(prices),
                    Optional.ofNullable(templates)));
        } catch (ConsoleServer.StartException | IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}

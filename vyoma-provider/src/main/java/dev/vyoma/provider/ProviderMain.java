package dev.vyoma.provider;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a provider until the process is told to stop: {@code ProviderMain --home DIR --config FILE
 * [--allow-process-runtime]}, with the key in the home's test keyring (for devnets and tests; {@code vyoma provider
 * run} also opens encrypted keys). SIGTERM stops it cleanly; the services it runs keep running and are re-adopted by
 * the next start. {@code --allow-process-runtime} is provider.yaml's {@code allowProcessRuntime: true}.
 */
public final class ProviderMain {
    private ProviderMain() {}

    public static void main(String[] args) throws Exception {
        java.util.List<String> list = new java.util.ArrayList<>(java.util.List.of(args));
        boolean allow = list.remove("--allow-process-runtime");
        if (list.size() != 4 || !list.get(0).equals("--home") || !list.get(2).equals("--config")) {
            System.err.println("usage: ProviderMain --home DIR --config FILE [--allow-process-runtime]");
            System.exit(2);
        }
        Path home = Path.of(list.get(1));
        ProviderDaemon daemon;
        KeyPair key;
        try {
            ProviderConfig config = ProviderConfig.read(Path.of(list.get(3)));
            if (allow) {
                config = config.allowingProcessRuntime();
            }
            key = Keyring.open(home, Keyring.Backend.TEST).unlock(config.key(), null);
            daemon = ProviderDaemon.start(config, key, home.resolve("state"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A configuration the provider refuses: one line that says what to fix.
            System.err.println("vyoma provider: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // Anything else that stops the start (the chain does not answer): one line, and an exit, since what did
            // start (the ingress) would otherwise keep the process alive.
            System.err.println("vyoma provider: cannot start: " + e.getMessage());
            System.exit(1);
            return;
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
        System.out.println("vyoma provider " + key.address() + " ready: gateway "
                + daemon.gateway().port() + ", ingress " + daemon.ingress().port());
        System.out.flush();
        stopped.await();
    }
}

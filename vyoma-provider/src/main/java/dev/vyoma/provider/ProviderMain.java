package dev.vyoma.provider;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a provider until the process is told to stop: {@code ProviderMain --home DIR --config FILE}, with the key
 * in the home's test keyring (for devnets and tests; {@code vyoma provider run} also opens encrypted keys).
 * SIGTERM stops it cleanly; the services it runs keep running and are re-adopted by the next start.
 */
public final class ProviderMain {
    private ProviderMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("--home") || !args[2].equals("--config")) {
            System.err.println("usage: ProviderMain --home DIR --config FILE");
            System.exit(2);
        }
        Path home = Path.of(args[1]);
        ProviderConfig config = ProviderConfig.read(Path.of(args[3]));
        KeyPair key = Keyring.open(home, Keyring.Backend.TEST).unlock(config.key(), null);
        ProviderDaemon daemon = ProviderDaemon.start(config, key, home.resolve("state"));
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

package dev.vyoma.provider;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vyoma provider run}: registers the provider on the chain (or updates its entry to match the
 * configuration: host, attributes with the capabilities its inventory gives, contact), then bids
 * ({@link BidDaemon}) and withdraws its leases' earnings at an interval. Its state lives in {@code home}: the
 * event cursor, so a restart goes on where it stopped.
 */
public final class ProviderDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderDaemon.class);

    private final BidDaemon bids;
    private final Inventory inventory;
    private final ScheduledExecutorService withdrawals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("withdrawals").factory());

    private ProviderDaemon(BidDaemon bids, Inventory inventory) {
        this.bids = bids;
        this.inventory = inventory;
    }

    /** Registers or updates the provider, then starts bidding and withdrawing. */
    public static ProviderDaemon start(ProviderConfig config, KeyPair key, Path home) throws IOException {
        Files.createDirectories(home);
        VyomaClient client = new VyomaClient(config.node());
        List<dev.vyoma.sdl.spec.Attribute> published = config.publishedAttributes();
        boolean exists = client.getJson("/v1/providers/" + key.address()).isPresent();
        Msg register = exists
                ? new Msg.UpdateProvider(key.address(), config.host(), published, config.email(), config.website())
                : new Msg.CreateProvider(key.address(), config.host(), published, config.email(), config.website());
        VyomaClient.TxOutcome out = client.broadcast(client.sign(key, List.of(register), ""), true);
        if (!out.ok()) {
            throw new IllegalStateException("cannot register provider " + key.address() + ": " + out.log());
        }
        LOG.info(
                "provider {} {} with {} attributes",
                key.address(),
                exists ? "updated" : "registered",
                published.size());
        Inventory inventory = new Inventory(config.nodes(), config.persistentStorage());
        BidEngine engine = new BidEngine(inventory, config.prices());
        BidDaemon bids = new BidDaemon(
                        new BidDaemon.Settings(config.node(), key, config.bidDeposit(), home.resolve("cursor")),
                        engine,
                        new BidEngine.Profile(published, List.of()))
                .start();
        ProviderDaemon d = new ProviderDaemon(bids, inventory);
        long every = Math.max(1, config.withdrawEverySeconds());
        d.withdrawals.scheduleWithFixedDelay(
                () -> {
                    try {
                        int n = bids.withdrawAll();
                        if (n > 0) {
                            LOG.info("withdrew from {} lease(s)", n);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("withdrawals failed: {}", e.toString());
                    }
                },
                every,
                every,
                TimeUnit.SECONDS);
        return d;
    }

    public BidDaemon bids() {
        return bids;
    }

    public Inventory inventory() {
        return inventory;
    }

    @Override
    public void close() throws InterruptedException {
        withdrawals.shutdownNow();
        bids.close();
    }
}

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
    /** How often bids and leases are checked against their timeouts. */
    private static final java.time.Duration TIMEOUT_CHECK = java.time.Duration.ofMillis(500);

    private final BidDaemon bids;
    private final Inventory inventory;
    private final dev.vyoma.provider.gateway.Gateway gateway;
    private final dev.vyoma.provider.runtime.Ingress ingress;
    private final LeaseManager leases;
    private final ScheduledExecutorService withdrawals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("withdrawals").factory());
    /** Closes bids and leases that waited too long; its own thread, so a slow withdrawal round does not delay it. */
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("timeouts").factory());

    private ProviderDaemon(
            BidDaemon bids,
            Inventory inventory,
            dev.vyoma.provider.gateway.Gateway gateway,
            dev.vyoma.provider.runtime.Ingress ingress,
            LeaseManager leases) {
        this.bids = bids;
        this.inventory = inventory;
        this.gateway = gateway;
        this.ingress = ingress;
        this.leases = leases;
    }

    /** Registers or updates the provider, then starts bidding and withdrawing. */
    public static ProviderDaemon start(ProviderConfig config, KeyPair key, Path home) throws IOException {
        String[] in = hostPort(config.ingress(), "ingress");
        // Before anything listens: the process runtime serves only this machine unless the operator accepts it.
        if (config.runtime() == ProviderConfig.Runtime.PROCESS) {
            dev.vyoma.provider.runtime.ProcessRuntime.checkExposure(
                    in[0], config.ingressDomain(), config.allowProcessRuntime());
        }
        Files.createDirectories(home);
        VyomaClient client = new VyomaClient(config.node());
        // With Kubernetes, what the provider offers is what its cluster's nodes can still take.
        dev.vyoma.provider.runtime.kubernetes.KubernetesRuntime cluster = null;
        if (config.runtime() == ProviderConfig.Runtime.KUBERNETES) {
            cluster = dev.vyoma.provider.runtime.kubernetes.KubernetesRuntime.connect(
                    config.kubernetes(), key.address().toString());
            config = clusterInventory(config, cluster);
        }
        List<dev.vyoma.sdl.spec.Attribute> published = config.publishedAttributes();
        // The chain first: a provider that cannot reach it starts nothing.
        java.util.Set<String> active = new java.util.HashSet<>();
        for (tools.jackson.databind.JsonNode l : client.getJson("/v1/leases?provider=" + key.address() + "&limit=1000")
                .orElseThrow()
                .path("items")) {
            active.add(dev.vyoma.client.ChainIds.bidId(l.path("id")).toString());
        }
        // What runs already: the runtime's records, kept for leases still active on the chain.
        dev.vyoma.provider.runtime.WorkloadRuntime runtime = switch (config.runtime()) {
            case KUBERNETES -> cluster;
            case CONTAINER ->
                dev.vyoma.provider.runtime.container.ContainerRuntime.connect(
                        config.containerEngine(),
                        key.address().toString(),
                        home,
                        config.containerGpus(),
                        config.containerStopGrace());
            case PROCESS ->
                new dev.vyoma.provider.runtime.ProcessRuntime(
                        new dev.vyoma.provider.runtime.ImageTable(config.images()), home);
        };
        dev.vyoma.provider.runtime.Ingress ingress =
                dev.vyoma.provider.runtime.Ingress.start(in[0], Integer.parseInt(in[1]), config.ingressDomain());
        LeaseManager leases = new LeaseManager(
                runtime, ingress, config.ingressDomain(), home.resolve("routes"), java.time.Clock.systemUTC());
        java.util.Set<String> running = leases.reconcile(active);
        if (!running.isEmpty()) {
            LOG.info("re-adopted the services of {} lease(s)", running.size());
        }
        String[] gw = hostPort(config.gateway(), "gateway");
        dev.vyoma.provider.gateway.Gateway gateway;
        try {
            gateway = dev.vyoma.provider.gateway.Gateway.start(
                    client, key.address(), home, java.time.Clock.systemUTC(), gw[0], Integer.parseInt(gw[1]));
        } catch (java.security.GeneralSecurityException e) {
            ingress.close();
            leases.close();
            throw new IOException("cannot start the gateway's TLS: " + e.getMessage(), e);
        }
        // The host tenants reach: the configured one, or (host: auto) the gateway as it listens now.
        String hostUri = config.host().equals("auto") ? "https://" + gw[0] + ":" + gateway.port() : config.host();
        boolean exists = client.getJson("/v1/providers/" + key.address()).isPresent();
        Msg register = exists
                ? new Msg.UpdateProvider(key.address(), hostUri, published, config.email(), config.website())
                : new Msg.CreateProvider(key.address(), hostUri, published, config.email(), config.website());
        VyomaClient.TxOutcome out = client.broadcast(client.sign(key, List.of(register), ""), true);
        if (!out.ok()) {
            throw new IllegalStateException("cannot register provider " + key.address() + ": " + out.log());
        }
        LOG.info(
                "provider {} {} with {} attributes",
                key.address(),
                exists ? "updated" : "registered",
                published.size());
        // Tenants find the gateway's certificate on the chain and trust exactly it.
        VyomaClient.TxOutcome cert = client.broadcast(
                client.sign(
                        key,
                        List.of(new Msg.CreateCertificate(
                                key.address(),
                                gateway.certificate().certPem(),
                                gateway.certificate().publicKeyPem())),
                        ""),
                true);
        if (!cert.ok()) {
            gateway.close();
            ingress.close();
            leases.close();
            throw new IllegalStateException("cannot publish the gateway's certificate: " + cert.log());
        }
        // The bidder starts after the gateway (it asks the gateway which leases have their manifest).
        java.util.concurrent.atomic.AtomicReference<BidDaemon> bidder =
                new java.util.concurrent.atomic.AtomicReference<>();
        gateway.runLeasesWith(new dev.vyoma.provider.gateway.Gateway.Leases() {
            @Override
            public void deploy(String lease, dev.vyoma.sdl.manifest.ManifestGroup group) throws IOException {
                BidDaemon b = bidder.get();
                if (b != null) {
                    b.manifestReceived(lease);
                }
                leases.deploy(lease, group);
            }

            @Override
            public java.util.Map<String, Object> status(String lease) {
                return leases.status(lease);
            }

            @Override
            public void logs(
                    String lease,
                    dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest request,
                    java.util.function.Consumer<String> line,
                    java.util.function.BooleanSupplier stop)
                    throws IOException, InterruptedException {
                leases.logs(lease, request, line, stop);
            }

            @Override
            public List<?> events(String lease) {
                return leases.events(lease);
            }

            @Override
            public dev.vyoma.provider.runtime.Shell shell(
                    String lease, dev.vyoma.provider.runtime.Shell.Request request)
                    throws dev.vyoma.provider.runtime.Shell.Refused, IOException {
                return leases.shell(lease, request);
            }
        });
        Inventory inventory = new Inventory(config.nodes(), config.persistentStorage());
        String source = config.inventorySource();
        dev.vyoma.provider.bid.PriceList prices = config.prices();
        gateway.reportStatusWith(() -> status(key.address(), source, inventory, prices, leases));
        BidEngine engine = new BidEngine(inventory, config.prices());
        BidDaemon bids = new BidDaemon(
                new BidDaemon.Settings(
                        config.node(), key, config.bidDeposit(), home.resolve("cursor"), config.timeouts()),
                engine,
                new BidEngine.Profile(published, List.of()),
                java.time.Clock.systemUTC(),
                lease -> hasManifest(gateway, lease));
        bids.onLeaseEnded(leases::ended);
        bids.onLeaseEvent(leases::note);
        bidder.set(bids);
        bids.start();
        LOG.info(
                "bid timeout {}, manifest timeout {}",
                Durations.shown(config.timeouts().bid()),
                Durations.shown(config.timeouts().manifest()));
        ProviderDaemon d = new ProviderDaemon(bids, inventory, gateway, ingress, leases);
        // Both periodic tasks catch and log their failures (a thrown one would end the schedule silently);
        // close() ends them by shutting their executors.
        var unusedTimeouts = d.timeouts.scheduleWithFixedDelay(
                () -> {
                    try {
                        bids.closeExpired();
                    } catch (RuntimeException e) {
                        LOG.warn("closing what timed out failed: {}", e.toString());
                    }
                },
                TIMEOUT_CHECK.toMillis(),
                TIMEOUT_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        long every = Math.max(1, config.withdrawEverySeconds());
        var unusedWithdrawals = d.withdrawals.scheduleWithFixedDelay(
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

    /**
     * The configuration with the nodes of {@code cluster} as its inventory: each ready, schedulable node with what
     * its running pods leave free, read once at start.
     */
    private static ProviderConfig clusterInventory(
            ProviderConfig config, dev.vyoma.provider.runtime.kubernetes.KubernetesRuntime cluster) throws IOException {
        dev.vyoma.provider.runtime.kubernetes.ClusterInventory.Snapshot s;
        try {
            s = dev.vyoma.provider.runtime.kubernetes.ClusterInventory.read(cluster.client(), config.kubernetes());
        } catch (RuntimeException e) {
            cluster.close();
            throw new IOException("cannot read the cluster's nodes: " + e.getMessage(), e);
        }
        if (s.nodes().isEmpty()) {
            cluster.close();
            throw new IOException("the cluster has no ready, schedulable node to run leases on");
        }
        LOG.info(
                "inventory from the cluster: {} node(s), storage classes {}",
                s.nodes().size(),
                s.persistentClasses());
        return config.withClusterInventory(s.nodes(), s.persistentClasses());
    }

    /** Whether the gateway holds a manifest for {@code lease}; a store it cannot read counts as holding one. */
    private static boolean hasManifest(dev.vyoma.provider.gateway.Gateway gateway, String lease) {
        try {
            return gateway.manifest(lease).isPresent();
        } catch (IOException e) {
            // Never close a lease for want of a manifest the provider merely failed to read.
            LOG.warn("lease {}: cannot read its stored manifest: {}", lease, e.toString());
            return true;
        }
    }

    /**
     * What {@code GET /v1/status} says: the inventory's source (declared in the configuration, or discovered),
     * and each resource as total, allocatable (all of it: nothing is held back for the system), allocated to
     * leases, reserved by open bids, and available. Memory and storage in bytes, CPU in millicores. Under
     * {@code offer}, what is free on each node and the price list ({@link dev.vyoma.provider.bid.Offer}), from
     * which a tenant's {@code vyoma deploy --dry-run} judges an order as this provider's bid engine would.
     */
    static java.util.Map<String, Object> status(
            dev.vyoma.ledger.crypto.Address me,
            String source,
            Inventory inventory,
            dev.vyoma.provider.bid.PriceList prices,
            LeaseManager leases) {
        Inventory.Capacity c = inventory.capacity();
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("provider", me.toString());
        out.put("inventory", source);
        out.put("activeLeases", c.leases());
        out.put("openBids", c.openBids());
        out.put("runningLeases", leases.running());
        out.put("cpu", amount(c.cpu()));
        out.put("memory", amount(c.memory()));
        java.util.Map<String, Object> storage = new java.util.LinkedHashMap<>();
        storage.put("ephemeral", amount(c.ephemeral()));
        c.persistent().forEach((cls, a) -> storage.put(cls, amount(a)));
        out.put("storage", storage);
        List<Object> gpus = new java.util.ArrayList<>();
        for (Inventory.GpuAmount g : c.gpus()) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("vendor", g.device().vendor());
            m.put("model", g.device().model());
            m.put("vram", g.device().ram());
            m.put("interface", g.device().iface());
            m.putAll(amount(g.amount()));
            gpus.add(m);
        }
        out.put("gpus", gpus);
        out.put("offer", dev.vyoma.provider.bid.Offer.of(inventory, prices).toJson());
        return out;
    }

    private static java.util.Map<String, Object> amount(Inventory.Amount a) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("total", a.total());
        m.put("allocatable", a.total());
        m.put("allocated", a.allocated());
        m.put("reserved", a.reserved());
        m.put("available", a.available());
        return m;
    }

    private static String[] hostPort(String address, String what) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(what + " is host:port, got " + address);
        }
        return new String[] {address.substring(0, colon), address.substring(colon + 1)};
    }

    public dev.vyoma.provider.gateway.Gateway gateway() {
        return gateway;
    }

    public dev.vyoma.provider.runtime.Ingress ingress() {
        return ingress;
    }

    public LeaseManager leases() {
        return leases;
    }

    public BidDaemon bids() {
        return bids;
    }

    public Inventory inventory() {
        return inventory;
    }

    /**
     * Stops the services of every lease this provider runs, keeping what each runs so that the next start runs it
     * again if its lease is still active. A provider's own {@link #close} leaves them running, to be adopted by its
     * next start; a devnet calls this as well, since nothing it started may outlive it.
     */
    public void stopWorkloads() throws IOException {
        leases.stopAll();
    }

    @Override
    public void close() throws InterruptedException {
        withdrawals.shutdownNow();
        timeouts.shutdownNow();
        bids.close();
        gateway.close();
        ingress.close();
        leases.close();
    }
}

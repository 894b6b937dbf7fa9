package dev.vyoma.provider;

import dev.vyoma.client.AtomicFiles;
import dev.vyoma.client.EventFollower;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The provider's bidding loop. It follows the chain's events from where it left off (the cursor is kept in a
 * file, so a restart misses nothing and repeats nothing), catches up on orders that are open when it starts,
 * and for every new order asks the {@link BidEngine}: a bid is signed and sent with the configured deposit.
 * The capacity a bid reserved is given back when the bid is lost or closed, the order closes, or the won
 * lease ends, so the provider never bids capacity it has promised elsewhere.
 *
 * <p>Nor does it hold capacity for nobody ({@link #closeExpired}, as Akash's provider does): a bid that no lease
 * took within the bid timeout is closed, and a won lease that got no manifest within the manifest timeout is
 * closed with reason {@code provider:manifest_timeout} (10003); either way its capacity is free again. After a
 * restart an open bid keeps its deadline (counted from the block time of the block that holds it), and a lease
 * still without a manifest waits one whole manifest timeout more, since its tenant could not reach the provider
 * while it was down.
 */
public final class BidDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BidDaemon.class);
    private static final Set<String> EVENTS = Set.of(
            "OrderCreated",
            "BidLost",
            "BidClosed",
            "OrderClosed",
            "LeaseCreated",
            "LeaseClosed",
            "ProviderAttributesSigned",
            "ProviderAttributesDeleted");

    /**
     * Where the daemon talks to, who it is, what it deposits per bid, where it keeps its cursor, and how long it
     * waits for a lease and for a manifest.
     */
    public record Settings(
            String nodeUrl, KeyPair key, Coin bidDeposit, Path cursorFile, ProviderConfig.Timeouts timeouts) {
        public Settings {
            Objects.requireNonNull(nodeUrl, "nodeUrl");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(bidDeposit, "bidDeposit");
            Objects.requireNonNull(cursorFile, "cursorFile");
            Objects.requireNonNull(timeouts, "timeouts");
        }

        /** With Akash's default timeouts (five minutes each). */
        public Settings(String nodeUrl, KeyPair key, Coin bidDeposit, Path cursorFile) {
            this(nodeUrl, key, bidDeposit, cursorFile, ProviderConfig.Timeouts.DEFAULT);
        }
    }

    /** How long a close the chain did not take waits before it is tried again. */
    private static final java.time.Duration RETRY = java.time.Duration.ofSeconds(5);

    /** What the daemon did about an order. */
    public enum OrderState {
        BID,
        WON,
        SKIPPED
    }

    private final Settings settings;
    private final BidEngine engine;
    private volatile BidEngine.Profile profile;
    private final VyomaClient client;
    private final Address me;
    private final Map<OrderId, OrderState> orders = new ConcurrentHashMap<>();
    private final Map<OrderId, String> skipped = new ConcurrentHashMap<>();
    private final java.time.Clock clock;
    private final java.util.function.Predicate<String> hasManifest;
    private final Deadlines deadlines = new Deadlines();
    /** Held while a transaction is signed and sent (see {@link #send}). */
    private final Object txLock = new Object();

    private EventFollower follower;
    private volatile java.util.function.Consumer<String> leaseEnded = lease -> {};
    private volatile java.util.function.BiConsumer<String, String> leaseEvent = (lease, message) -> {};

    /** Called with a lease's id and what happened to it on this provider, for the lease's events. */
    public void onLeaseEvent(java.util.function.BiConsumer<String, String> action) {
        this.leaseEvent = action;
    }

    /** Called with a lease's id ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) when one of this provider's leases ends. */
    public void onLeaseEnded(java.util.function.Consumer<String> action) {
        this.leaseEnded = action;
    }

    /** A daemon on the system clock for which no lease has a manifest (one without a gateway). */
    public BidDaemon(Settings settings, BidEngine engine, BidEngine.Profile profile) {
        this(settings, engine, profile, java.time.Clock.systemUTC(), lease -> false);
    }

    /**
     * @param hasManifest whether the gateway holds a manifest for a lease ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}):
     *     asked before a lease is closed for want of one
     */
    public BidDaemon(
            Settings settings,
            BidEngine engine,
            BidEngine.Profile profile,
            java.time.Clock clock,
            java.util.function.Predicate<String> hasManifest) {
        this.settings = settings;
        this.engine = engine;
        this.profile = profile;
        this.client = new VyomaClient(settings.nodeUrl());
        this.me = settings.key().address();
        this.clock = clock;
        this.hasManifest = hasManifest;
    }

    /** Catches up on open orders, then follows the chain from the saved cursor (or from now). */
    public BidDaemon start() throws IOException {
        String cursor = Files.exists(settings.cursorFile())
                ? Files.readString(settings.cursorFile(), StandardCharsets.UTF_8)
                        .trim()
                : "";
        long from = client.status().height() + 1;
        refreshAudits();
        restore();
        catchUp();
        follower = cursor.isEmpty()
                ? EventFollower.fromHeight(settings.nodeUrl(), from, EVENTS, this::handle)
                : EventFollower.resumeAfter(settings.nodeUrl(), cursor, EVENTS, this::handle);
        return this;
    }

    /** The daemon's view of an order, if it has one. */
    public Optional<OrderState> order(OrderId id) {
        return Optional.ofNullable(orders.get(id));
    }

    /** Why the daemon did not bid on an order, if it did not. */
    public Optional<String> whySkipped(OrderId id) {
        return Optional.ofNullable(skipped.get(id));
    }

    /**
     * Withdraws what every won lease has earned; a lease that is no longer active is skipped (the chain
     * answers that its payment is closed). Returns how many withdrawals were committed.
     */
    public int withdrawAll() {
        int done = 0;
        for (Map.Entry<OrderId, OrderState> e : orders.entrySet()) {
            if (e.getValue() != OrderState.WON) {
                continue;
            }
            OrderId o = e.getKey();
            try {
                VyomaClient.TxOutcome out = send(new Msg.WithdrawLease(new dev.vyoma.ledger.market.BidId(o, me)));
                if (out.ok()) {
                    done++;
                } else {
                    LOG.info("withdrawal from {} not made: {}", e.getKey(), out.log());
                }
            } catch (VyomaClient.NodeException ex) {
                LOG.warn("withdrawal from {} not sent: {}", e.getKey(), ex.getMessage());
            }
        }
        return done;
    }

    /** Reads what auditors signed for this provider, so orders that require auditors are judged on it. */
    private void refreshAudits() {
        List<dev.vyoma.ledger.machine.Matching.Audited> audited = new java.util.ArrayList<>();
        for (JsonNode a :
                client.getJson("/v1/audits?provider=" + me).orElseThrow().path("items")) {
            List<dev.vyoma.sdl.spec.Attribute> attrs = new java.util.ArrayList<>();
            for (JsonNode at : a.path("attributes")) {
                attrs.add(new dev.vyoma.sdl.spec.Attribute(
                        at.path("key").asString(), at.path("value").asString()));
            }
            audited.add(new dev.vyoma.ledger.machine.Matching.Audited(
                    a.path("auditor").asString(), attrs));
        }
        profile = new BidEngine.Profile(profile.attributes(), audited);
    }

    /**
     * After a restart the inventory is empty, but the chain remembers what this provider promised: the
     * capacity of its active leases and open bids is held again, so it is neither offered twice nor left
     * without withdrawals.
     */
    private void restore() {
        java.time.Instant now = clock.instant();
        for (JsonNode l : all("/v1/leases?provider=" + me)) {
            OrderId order = orderId(l.path("id"));
            hold(order, OrderState.WON);
            String lease = new dev.vyoma.ledger.market.BidId(order, me).toString();
            if (!hasManifest.test(lease)) {
                awaitManifest(order, now, "provider restarted; still no manifest");
            }
        }
        for (JsonNode b : all("/v1/bids?provider=" + me)) {
            if (b.path("state").asString().equals("open")) {
                OrderId order = orderId(b.path("id"));
                hold(order, OrderState.BID);
                // The bid's age is the chain's: from the time of the block that holds it.
                java.time.Instant placed =
                        blockTime(b.path("createdAt").asLong()).orElse(now);
                java.time.Instant deadline = placed.plus(settings.timeouts().bid());
                deadlines.bidPlaced(order, deadline);
                LOG.info("bid on {} waits for a lease until {}", order, deadline);
            }
        }
    }

    /** The time of block {@code height}, if the node has it. */
    private Optional<java.time.Instant> blockTime(long height) {
        if (height <= 0) {
            return Optional.empty();
        }
        try {
            return client.getJson("/v1/blocks/" + height)
                    .map(b -> b.path("time").asString(""))
                    .filter(t -> !t.isEmpty())
                    .map(java.time.Instant::parse);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the time of block {}: {}", height, e.toString());
            return Optional.empty();
        }
    }

    /** The won lease on {@code order} waits for its manifest for one manifest timeout from {@code now}. */
    private void awaitManifest(OrderId order, java.time.Instant now, String why) {
        dev.vyoma.ledger.market.BidId lease = new dev.vyoma.ledger.market.BidId(order, me);
        java.time.Instant deadline = now.plus(settings.timeouts().manifest());
        deadlines.awaitManifest(lease, deadline);
        leaseEvent.accept(
                lease.toString(),
                why + "; waiting for the manifest until " + deadline + " (manifest timeout "
                        + Durations.shown(settings.timeouts().manifest()) + ")");
    }

    /** The gateway accepted a manifest for {@code lease}: it no longer waits for one. */
    public void manifestReceived(String lease) {
        dev.vyoma.ledger.market.BidId id = dev.vyoma.ledger.market.BidId.parse(lease);
        deadlines.manifestWaitEnded(id);
    }

    /** When the lease on {@code order} must have its manifest, if it is still waiting for one. */
    public Optional<java.time.Instant> manifestDeadline(OrderId order) {
        return deadlines.manifestDeadline(new dev.vyoma.ledger.market.BidId(order, me));
    }

    /** When the bid on {@code order} is closed unless a lease takes it, if it is waiting. */
    public Optional<java.time.Instant> bidDeadline(OrderId order) {
        return deadlines.bidDeadline(order);
    }

    /**
     * Closes on the chain what waited too long: each bid no lease took within the bid timeout (its reservation
     * released), each won lease without a manifest after the manifest timeout (reason 10003, its capacity freed).
     * Each is checked on the chain first, so a bid that a lease took a moment ago is left alone; a close the node
     * did not take is tried again later. Returns how many were closed.
     */
    public int closeExpired() {
        int closed = 0;
        for (Deadlines.Expired e : deadlines.due(clock.instant())) {
            try {
                closed += switch (e) {
                    case Deadlines.BidExpired b -> closeBid(b.order()) ? 1 : 0;
                    case Deadlines.ManifestExpired m -> closeLease(m.lease()) ? 1 : 0;
                };
            } catch (RuntimeException ex) {
                // The node is unreachable or answered nonsense: the wait goes on, and the close is tried again.
                LOG.warn("cannot close what timed out ({}): {}", e, ex.toString());
                java.time.Instant later = clock.instant().plus(RETRY);
                switch (e) {
                    case Deadlines.BidExpired b -> deadlines.bidPlaced(b.order(), later);
                    case Deadlines.ManifestExpired m -> deadlines.awaitManifest(m.lease(), later);
                }
            }
        }
        return closed;
    }

    private boolean closeBid(OrderId order) {
        dev.vyoma.ledger.market.BidId bid = new dev.vyoma.ledger.market.BidId(order, me);
        String state = client.getJson("/v1/bids/" + bid)
                .map(b -> b.path("state").asString(""))
                .orElse("");
        if (!state.equals("open")) {
            // Taken by a lease, lost, or closed already: its event frees (or keeps) the capacity.
            return false;
        }
        VyomaClient.TxOutcome out =
                send(new Msg.CloseBid(bid, dev.vyoma.ledger.base.CloseReason.PROVIDER_UNSPECIFIED.code()));
        if (!out.ok()) {
            LOG.info("bid on {} timed out but was not closed: {}", order, out.log());
            if (!out.committed()) {
                deadlines.bidPlaced(order, clock.instant().plus(RETRY));
            }
            return false;
        }
        release(order);
        LOG.info(
                "bid on {} closed: no lease within the bid timeout ({}); its reservation is released",
                order,
                Durations.shown(settings.timeouts().bid()));
        return true;
    }

    private boolean closeLease(dev.vyoma.ledger.market.BidId lease) {
        if (hasManifest.test(lease.toString())) {
            return false;
        }
        String state =
                client.lease(lease).map(l -> l.path("state").asString("")).orElse("");
        if (!state.equals("active")) {
            return false;
        }
        VyomaClient.TxOutcome out =
                send(new Msg.CloseBid(lease, dev.vyoma.ledger.base.CloseReason.PROVIDER_MANIFEST_TIMEOUT.code()));
        if (!out.ok()) {
            LOG.info("lease {} had no manifest in time but was not closed: {}", lease, out.log());
            if (!out.committed()) {
                deadlines.awaitManifest(lease, clock.instant().plus(RETRY));
            }
            return false;
        }
        // The capacity is free now; the lease's services (if any started) go when its LeaseClosed event comes.
        release(lease.order());
        LOG.info(
                "lease {} closed with reason provider:manifest_timeout (10003): no manifest within the manifest"
                        + " timeout ({}); its capacity is free",
                lease,
                Durations.shown(settings.timeouts().manifest()));
        return true;
    }

    private void hold(OrderId order, OrderState state) {
        String k = order.toString();
        Optional<Group> group = client.group(order.group());
        if (group.isEmpty()) {
            return;
        }
        if (engine.inventory().reserve(k, group.get().spec()) instanceof Inventory.NoFit nf) {
            // The configuration shrank below what was promised: say so, keep serving what runs.
            LOG.warn("order {} no longer fits this provider's inventory: {}", k, nf.reason());
        } else if (state == OrderState.WON) {
            engine.inventory().markLeased(k);
        }
        orders.put(order, state);
    }

    private List<JsonNode> all(String path) {
        List<JsonNode> out = new java.util.ArrayList<>();
        int offset = 0;
        while (true) {
            JsonNode page =
                    client.getJson(path + "&offset=" + offset + "&limit=1000").orElseThrow();
            page.path("items").forEach(out::add);
            if (!page.path("more").asBoolean() || page.path("items").isEmpty()) {
                return out;
            }
            offset += page.path("items").size();
        }
    }

    private void catchUp() {
        int offset = 0;
        while (true) {
            JsonNode page = client.getJson("/v1/orders?offset=" + offset + "&limit=1000")
                    .orElseThrow();
            for (JsonNode o : page.path("items")) {
                OrderId order = orderId(o.path("id"));
                if (!orders.containsKey(order) && bidBefore(order)) {
                    continue;
                }
                consider(order);
            }
            if (!page.path("more").asBoolean()) {
                return;
            }
            offset += page.path("items").size();
        }
    }

    /**
     * Whether this provider bid on {@code order} before (a bid that is no longer open: its bid timed out and was
     * closed, say, while the order stayed open); the chain takes one bid per provider and order, so the order is
     * skipped with that reason instead of being bid on again.
     */
    private boolean bidBefore(OrderId order) {
        Optional<JsonNode> bid = client.getJson("/v1/bids/" + new dev.vyoma.ledger.market.BidId(order, me));
        if (bid.isEmpty()) {
            return false;
        }
        orders.put(order, OrderState.SKIPPED);
        skipped.put(
                order,
                "this provider's bid on it was " + bid.get().path("state").asString("ended"));
        return true;
    }

    private void handle(EventFollower.ChainEvent e) throws IOException {
        JsonNode id = e.data().path("id");
        switch (e.type()) {
            case "OrderCreated" -> consider(orderId(id));
            case "LeaseCreated" -> {
                if (provider(id).equals(me)) {
                    OrderId order = orderId(id);
                    orders.put(order, OrderState.WON);
                    engine.inventory().markLeased(order.toString());
                    deadlines.bidEnded(order);
                    if (!hasManifest.test(new dev.vyoma.ledger.market.BidId(order, me).toString())) {
                        awaitManifest(order, clock.instant(), "lease won");
                    }
                }
            }
            case "BidLost", "BidClosed" -> {
                if (provider(id).equals(me)) {
                    release(orderId(id));
                }
            }
            case "LeaseClosed" -> {
                if (provider(id).equals(me)) {
                    release(orderId(id));
                    deadlines.manifestWaitEnded(new dev.vyoma.ledger.market.BidId(orderId(id), me));
                    leaseEnded.accept(new dev.vyoma.ledger.market.BidId(orderId(id), me).toString());
                }
            }
            case "OrderClosed" -> release(orderId(id));
            case "ProviderAttributesSigned", "ProviderAttributesDeleted" -> {
                if (dev.vyoma.client.ChainIds.address(e.data(), "provider").equals(me)) {
                    refreshAudits();
                }
            }
            default -> {}
        }
        save(e.id());
    }

    private void consider(OrderId order) {
        String k = order.toString();
        if (orders.containsKey(order)) {
            return;
        }
        Optional<Group> group = client.group(order.group());
        if (group.isEmpty()) {
            return;
        }
        BidEngine.Decision d = engine.evaluate(k, group.get().spec(), profile);
        if (d instanceof BidEngine.Skip s) {
            orders.put(order, OrderState.SKIPPED);
            skipped.put(order, s.reason());
            LOG.info("no bid on {}: {}", k, s.reason());
            return;
        }
        BidEngine.Bid bid = (BidEngine.Bid) d;
        try {
            VyomaClient.TxOutcome out = send(new Msg.CreateBid(order, me, bid.price(), settings.bidDeposit()));
            if (out.committed() && !out.ok()) {
                engine.inventory().release(k);
                orders.put(order, OrderState.SKIPPED);
                skipped.put(order, "the chain refused the bid: " + out.log());
                LOG.info("bid on {} refused: {}", k, out.log());
                return;
            }
            orders.put(order, OrderState.BID);
            java.time.Instant deadline =
                    clock.instant().plus(settings.timeouts().bid());
            deadlines.bidPlaced(order, deadline);
            LOG.info(
                    "bid {} on {}; closed at {} unless a lease takes it (bid timeout {})",
                    bid.price().amount().stripTrailingZeros().toPlainString()
                            + bid.price().denom(),
                    k,
                    deadline,
                    Durations.shown(settings.timeouts().bid()));
        } catch (VyomaClient.NodeException e) {
            engine.inventory().release(k);
            orders.put(order, OrderState.SKIPPED);
            skipped.put(order, "the node refused the bid: " + e.getMessage());
            LOG.warn("bid on {} not sent: {}", k, e.getMessage());
        }
    }

    /**
     * Signs {@code msg} with the provider's key and sends it, waiting for its block. One at a time: bids (event
     * thread), withdrawals and timeouts (their own threads) all sign with the account's next sequence, which a
     * transaction sent meanwhile would take.
     */
    private VyomaClient.TxOutcome send(Msg msg) {
        synchronized (txLock) {
            return client.broadcast(client.sign(settings.key(), List.of(msg), ""), true);
        }
    }

    private void release(OrderId order) {
        engine.inventory().release(order.toString());
        orders.remove(order);
        deadlines.bidEnded(order);
    }

    private void save(String position) throws IOException {
        AtomicFiles.replace(settings.cursorFile(), position + "\n");
    }

    private static OrderId orderId(JsonNode id) {
        return dev.vyoma.client.ChainIds.orderId(id);
    }

    private static Address provider(JsonNode id) {
        return dev.vyoma.client.ChainIds.address(id, "provider");
    }

    @Override
    public void close() throws InterruptedException {
        if (follower != null) {
            follower.close();
        }
    }
}

package dev.vyoma.provider;

import dev.vyoma.client.EventFollower;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** Where the daemon talks to, who it is, what it deposits per bid, and where it keeps its cursor. */
    public record Settings(String nodeUrl, KeyPair key, Coin bidDeposit, Path cursorFile) {
        public Settings {
            Objects.requireNonNull(nodeUrl, "nodeUrl");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(bidDeposit, "bidDeposit");
            Objects.requireNonNull(cursorFile, "cursorFile");
        }
    }

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
    private EventFollower follower;
    private volatile java.util.function.Consumer<String> leaseEnded = lease -> {};

    /** Called with a lease's id ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) when one of this provider's leases ends. */
    public void onLeaseEnded(java.util.function.Consumer<String> action) {
        this.leaseEnded = action;
    }

    public BidDaemon(Settings settings, BidEngine engine, BidEngine.Profile profile) {
        this.settings = settings;
        this.engine = engine;
        this.profile = profile;
        this.client = new VyomaClient(settings.nodeUrl());
        this.me = settings.key().address();
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
                SignedTx tx = client.sign(
                        settings.key(), List.of(new Msg.WithdrawLease(new dev.vyoma.ledger.market.BidId(o, me))), "");
                VyomaClient.TxOutcome out = client.broadcast(tx, true);
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
        List<dev.vyoma.ledger.market.Matching.Audited> audited = new java.util.ArrayList<>();
        for (JsonNode a :
                client.getJson("/v1/audits?provider=" + me).orElseThrow().path("items")) {
            List<dev.vyoma.sdl.spec.Attribute> attrs = new java.util.ArrayList<>();
            for (JsonNode at : a.path("attributes")) {
                attrs.add(new dev.vyoma.sdl.spec.Attribute(
                        at.path("key").asString(), at.path("value").asString()));
            }
            audited.add(new dev.vyoma.ledger.market.Matching.Audited(
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
        for (JsonNode l : all("/v1/leases?provider=" + me)) {
            hold(orderId(l.path("id")), OrderState.WON);
        }
        for (JsonNode b : all("/v1/bids?provider=" + me)) {
            if (b.path("state").asString().equals("open")) {
                hold(orderId(b.path("id")), OrderState.BID);
            }
        }
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
                consider(orderId(o.path("id")));
            }
            if (!page.path("more").asBoolean()) {
                return;
            }
            offset += page.path("items").size();
        }
    }

    private void handle(EventFollower.ChainEvent e) throws IOException {
        JsonNode id = e.data().path("id");
        switch (e.type()) {
            case "OrderCreated" -> consider(orderId(id));
            case "LeaseCreated" -> {
                if (provider(id).equals(me)) {
                    orders.put(orderId(id), OrderState.WON);
                    engine.inventory().markLeased(orderId(id).toString());
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
            SignedTx tx = client.sign(
                    settings.key(), List.of(new Msg.CreateBid(order, me, bid.price(), settings.bidDeposit())), "");
            VyomaClient.TxOutcome out = client.broadcast(tx, true);
            if (out.committed() && !out.ok()) {
                engine.inventory().release(k);
                orders.put(order, OrderState.SKIPPED);
                skipped.put(order, "the chain refused the bid: " + out.log());
                LOG.info("bid on {} refused: {}", k, out.log());
                return;
            }
            orders.put(order, OrderState.BID);
            LOG.info(
                    "bid {} on {}",
                    bid.price().amount().stripTrailingZeros().toPlainString()
                            + bid.price().denom(),
                    k);
        } catch (VyomaClient.NodeException e) {
            engine.inventory().release(k);
            orders.put(order, OrderState.SKIPPED);
            skipped.put(order, "the node refused the bid: " + e.getMessage());
            LOG.warn("bid on {} not sent: {}", k, e.getMessage());
        }
    }

    private void release(OrderId order) {
        engine.inventory().release(order.toString());
        orders.remove(order);
    }

    private void save(String position) throws IOException {
        Path file = settings.cursorFile();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, position + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

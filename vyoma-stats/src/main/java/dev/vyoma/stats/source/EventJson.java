package dev.vyoma.stats.source;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Events as the node's API writes them ({@code vyoma-node}'s {@code ApiJson}: ids flat as {@code owner, dseq,
 * gseq, oseq, provider}, coins with string amounts, decimals as plain strings) read back into the ledger's typed
 * records. Only the types the indexer uses are read ({@link #INDEXED}); the others come back empty.
 */
public final class EventJson {
    /** The event types the indexer reads; the rest of a block's events are skipped. */
    public static final Set<String> INDEXED = Set.of(
            "LeaseCreated", "LeaseClosed", "EscrowPayment", "ProviderCreated", "ProviderUpdated", "ProviderDeleted");

    private EventJson() {}

    /** The typed event, or empty for a type the indexer does not read. */
    public static Optional<Event> decode(JsonNode n) {
        String type = n.path("type").asString("");
        return Optional.ofNullable(
                switch (type) {
                    case "LeaseCreated" -> new Event.LeaseCreated(bidId(n.path("id")), decCoin(n.path("price")));
                    case "LeaseClosed" ->
                        new Event.LeaseClosed(
                                bidId(n.path("id")),
                                new CloseReason(n.path("reason").path("code").asInt()));
                    case "EscrowPayment" ->
                        new Event.EscrowPayment(
                                bidId(n.path("lease")), address(n.path("provider")), coin(n.path("amount")));
                    case "ProviderCreated" -> new Event.ProviderCreated(address(n.path("owner")));
                    case "ProviderUpdated" -> new Event.ProviderUpdated(address(n.path("owner")));
                    case "ProviderDeleted" -> new Event.ProviderDeleted(address(n.path("owner")));
                    default -> null;
                });
    }

    static BidId bidId(JsonNode id) {
        DeploymentId d =
                new DeploymentId(address(id.path("owner")), required(id, "dseq").asLong());
        OrderId order = new OrderId(
                new GroupId(d, required(id, "gseq").asInt()),
                required(id, "oseq").asInt());
        return new BidId(order, address(id.path("provider")));
    }

    static Address address(JsonNode n) {
        if (!n.isString()) {
            throw new IllegalArgumentException("an address is a bech32 string, got " + n);
        }
        return Address.parse(n.asString());
    }

    static Coin coin(JsonNode n) {
        return new Coin(
                required(n, "denom").asString(),
                Long.parseLong(required(n, "amount").asString()));
    }

    static DecCoin decCoin(JsonNode n) {
        return new DecCoin(
                required(n, "denom").asString(),
                new BigDecimal(required(n, "amount").asString()));
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            throw new IllegalArgumentException("the event has no " + field + ": " + n);
        }
        return v;
    }
}

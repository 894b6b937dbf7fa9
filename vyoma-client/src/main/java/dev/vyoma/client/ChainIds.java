package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import tools.jackson.databind.JsonNode;

/** Ids as the node's JSON writes them ({@code {"owner", "dseq", "gseq", "oseq", "provider"}}), read back as records. */
public final class ChainIds {
    private ChainIds() {}

    /** An order's id from {@code {owner, dseq, gseq, oseq}} (a bid's or lease's id has them too). */
    public static OrderId orderId(JsonNode id) {
        DeploymentId d = new DeploymentId(
                Address.parse(id.path("owner").asString()), id.path("dseq").asLong());
        return new OrderId(
                new GroupId(d, id.path("gseq").asInt()), id.path("oseq").asInt());
    }

    /** A bid's or lease's id from {@code {owner, dseq, gseq, oseq, provider}}. */
    public static BidId bidId(JsonNode id) {
        return new BidId(orderId(id), Address.parse(id.path("provider").asString()));
    }
}

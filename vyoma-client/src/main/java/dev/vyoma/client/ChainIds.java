package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import tools.jackson.databind.JsonNode;

/**
 * Ids as the node's JSON writes them ({@code {"owner", "dseq", "gseq", "oseq", "provider"}}), read back as records.
 * Strict, as every edge is: each sequence number must be a JSON integer in its range and each address a valid
 * address; a missing, fractional, textual or out-of-range field is an error (a {@link VyomaClient.NodeException}
 * named {@code bad_answer}), never a 0 or a rounded number that would name another entity.
 */
public final class ChainIds {
    private ChainIds() {}

    /** A deployment's id from {@code {owner, dseq}} (any id below a deployment has them too). */
    public static DeploymentId deploymentId(JsonNode id) {
        return new DeploymentId(address(id, "owner"), number(id, "dseq", 1, Long.MAX_VALUE));
    }

    /** A group's id from {@code {owner, dseq, gseq}}. */
    public static GroupId groupId(JsonNode id) {
        return new GroupId(deploymentId(id), (int) number(id, "gseq", 1, Integer.MAX_VALUE));
    }

    /** An order's id from {@code {owner, dseq, gseq, oseq}} (a bid's or lease's id has them too). */
    public static OrderId orderId(JsonNode id) {
        return new OrderId(groupId(id), (int) number(id, "oseq", 1, Integer.MAX_VALUE));
    }

    /** A bid's or lease's id from {@code {owner, dseq, gseq, oseq, provider}}. */
    public static BidId bidId(JsonNode id) {
        return new BidId(orderId(id), address(id, "provider"));
    }

    /** The address in field {@code field} of {@code id}. */
    public static Address address(JsonNode id, String field) {
        JsonNode v = id == null ? null : id.get(field);
        if (v == null || !v.isString()) {
            throw bad(field + " is missing or not a string in " + shown(id));
        }
        try {
            return Address.parse(v.asString());
        } catch (IllegalArgumentException e) {
            throw bad(field + ": " + e.getMessage());
        }
    }

    private static long number(JsonNode id, String field, long min, long max) {
        JsonNode v = id == null ? null : id.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(field + " is missing or not a whole number in " + shown(id));
        }
        long n = v.asLong();
        if (n < min || n > max) {
            throw bad(field + " is " + n + ", outside " + min + " to " + max);
        }
        return n;
    }

    private static String shown(JsonNode id) {
        String s = String.valueOf(id);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static VyomaClient.NodeException bad(String why) {
        return new VyomaClient.NodeException(0, "bad_answer", "the node answered an id that is not valid: " + why);
    }
}

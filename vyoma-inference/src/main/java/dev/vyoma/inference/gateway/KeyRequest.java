package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.Edge;
import dev.vyoma.inference.api.Json;
import java.util.Iterator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST /v1/keys}, read at the edge: the key's name and its limits, each within the gateway's
 * {@link KeyLimits}; a field it does not know, or a value of the wrong kind or out of range, is a 400 that says
 * what to send.
 */
public record KeyRequest(KeyName name, int requestsPerMinute, int maxConcurrent) {
    /** Largest body, in bytes: the three fields at their longest fit with room to spare. */
    public static final int MAX_BODY_BYTES = 1024;

    private static final List<String> FIELDS = List.of("name", "requests_per_minute", "max_concurrent");

    /** Reads {@code body} (empty: every default). */
    public static KeyRequest parse(byte[] body, KeyLimits limits) {
        ObjectNode b = body.length == 0 ? Json.MAPPER.createObjectNode() : Json.object(body);
        for (Iterator<String> names = b.propertyNames().iterator(); names.hasNext(); ) {
            String f = names.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.invalid(
                        f, "unknown field " + Edge.shortened(f) + "; a key takes " + String.join(", ", FIELDS));
            }
        }
        KeyName name = KeyName.NONE;
        JsonNode n = b.get("name");
        if (n != null && !n.isNull()) {
            try {
                if (!n.isString()) {
                    throw new IllegalArgumentException("name is a string");
                }
                name = new KeyName(n.asString());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("name", e.getMessage());
            }
        }
        return new KeyRequest(
                name,
                whole(b, "requests_per_minute", limits.defaultRequestsPerMinute(), limits.maxRequestsPerMinute()),
                whole(b, "max_concurrent", limits.defaultMaxConcurrent(), limits.maxConcurrent()));
    }

    private static int whole(ObjectNode b, String field, int dflt, int max) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > max) {
            throw ApiError.invalid(
                    field,
                    field + " is a whole number from 1 to " + max + " (this gateway's most), got " + shortened(v));
        }
        return v.asInt();
    }

    private static String shortened(JsonNode v) {
        return Edge.shortened(v.toString());
    }
}

package dev.vyoma.inference.api;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the module, and reading a request body as an OpenAI error on failure. */
public final class Json {
    /** Shared, thread-safe. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    /** Parses a request body that must be a JSON object. */
    public static ObjectNode object(byte[] body) {
        JsonNode n;
        try {
            n = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JacksonException e) {
            String m = e.getOriginalMessage();
            throw ApiError.malformedJson(
                    m == null ? "unreadable" : m.lines().findFirst().orElse(m));
        }
        if (n == null || n.isMissingNode() || !n.isObject()) {
            throw ApiError.malformedJson("expected an object");
        }
        return (ObjectNode) n;
    }

    /** A JSON text of {@code value}. */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}

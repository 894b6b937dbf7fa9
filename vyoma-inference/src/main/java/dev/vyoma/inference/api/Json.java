package dev.vyoma.inference.api;

import dev.vyoma.ledger.base.Utf8Text;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the module, and reading a request body as an OpenAI error on failure. */
public final class Json {
    /** Shared, thread-safe. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    /**
     * Parses a request body that must be a JSON object in UTF-8, decoded strictly first ({@link Utf8Text}), so that
     * the request relayed to a worker is the one sent.
     */
    public static ObjectNode object(byte[] body) {
        JsonNode n;
        try {
            n = body.length == 0 ? null : MAPPER.readTree(utf8(body));
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

    private static String utf8(byte[] body) {
        try {
            return Utf8Text.decode(body);
        } catch (IllegalArgumentException e) {
            throw ApiError.malformedJson("the body is not valid UTF-8 text");
        }
    }

    /** A JSON text of {@code value}. */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}

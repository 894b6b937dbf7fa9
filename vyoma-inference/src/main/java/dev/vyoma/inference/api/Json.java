package dev.vyoma.inference.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
     * Parses a request body that must be a JSON object in UTF-8. The bytes are decoded strictly first: Jackson's own
     * decoder reads some invalid sequences (an overlong four-byte form) as other characters, so a request could say
     * one thing and be relayed as another.
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
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiError.malformedJson("the body is not valid UTF-8 text");
        }
    }

    /** A JSON text of {@code value}. */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}

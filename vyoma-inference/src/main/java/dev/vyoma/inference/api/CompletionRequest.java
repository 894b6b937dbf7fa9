package dev.vyoma.inference.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code /v1/chat/completions} or {@code /v1/completions} request, read and checked: the model, either the
 * messages or the prompt, and the sampling fields the worker honours. Anything else OpenAI defines is accepted
 * and ignored, as llama.cpp's own server does; llama.cpp's own {@code ignore_eos} is honoured too (generate
 * exactly {@code max_tokens}). Every field it keeps is bounded; the gateway passes on {@link #toJson}, this
 * reading, never the client's bytes.
 */
public record CompletionRequest(
        boolean chat,
        String model,
        List<Message> messages,
        String prompt,
        Integer maxTokens,
        double temperature,
        double topP,
        Long seed,
        List<String> stop,
        boolean ignoreEos,
        boolean stream) {
    /** Longest prompt or message list accepted, in bytes of text. */
    public static final int MAX_TEXT_BYTES = 1 << 20;

    /** Largest request body, in bytes: the text at its longest, with room for JSON's escapes and the fields. */
    public static final int MAX_BODY_BYTES = 2 * MAX_TEXT_BYTES;

    /** Most stop sequences, as OpenAI. */
    public static final int MAX_STOP = 4;

    /** Longest stop sequence, in characters. */
    public static final int MAX_STOP_CHARS = 256;

    /** Most messages in a chat request. */
    public static final int MAX_MESSAGES = 1024;

    /** Most content parts in one message. */
    public static final int MAX_CONTENT_PARTS = 64;

    /** Longest model id, in characters. */
    public static final int MAX_MODEL_CHARS = 128;

    /** What a model id is made of (the same rule for the ids a gateway offers). */
    public static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._:/-]{1," + MAX_MODEL_CHARS + "}");

    /** One chat message. */
    public record Message(String role, String content) {}

    /** Reads {@code body}, or throws the OpenAI error that says what is wrong. */
    public static CompletionRequest parse(ObjectNode body, boolean chat) {
        JsonNode model = body.get("model");
        if (model == null || !model.isString() || model.asString().isBlank()) {
            throw ApiError.invalid("model", "model is required: the id of a model from GET /v1/models");
        }
        if (!MODEL_ID.matcher(model.asString()).matches()) {
            throw ApiError.invalid(
                    "model",
                    "model is 1–" + MAX_MODEL_CHARS + " letters, digits and ._:/-: the id of a model from GET"
                            + " /v1/models");
        }
        List<Message> messages = List.of();
        String prompt = null;
        long bytes = 0;
        if (chat) {
            JsonNode ms = body.get("messages");
            if (ms == null || !ms.isArray() || ms.isEmpty()) {
                throw ApiError.invalid("messages", "messages is a non-empty array of {role, content}");
            }
            if (ms.size() > MAX_MESSAGES) {
                throw ApiError.invalid(
                        "messages", "messages has " + ms.size() + " items; send at most " + MAX_MESSAGES);
            }
            messages = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                JsonNode roleNode = m.path("role");
                String role = roleNode.isString() ? roleNode.asString() : "";
                if (!List.of("system", "developer", "user", "assistant").contains(role)) {
                    throw ApiError.invalid(
                            "messages[" + i + "].role",
                            "role is one of system, developer, user, assistant; got "
                                    + Edge.shortened(
                                            roleNode.isString() || roleNode.isMissingNode()
                                                    ? role
                                                    : roleNode.toString()));
                }
                String content = content(m.get("content"), "messages[" + i + "].content");
                bytes += content.getBytes(StandardCharsets.UTF_8).length;
                messages.add(new Message(role.equals("developer") ? "system" : role, content));
            }
        } else {
            JsonNode p = body.get("prompt");
            if (p != null && p.isArray() && p.size() == 1 && p.get(0).isString()) {
                p = p.get(0);
            }
            if (p == null || !p.isString()) {
                throw ApiError.invalid("prompt", "prompt is a string (or an array of exactly one string)");
            }
            prompt = p.asString();
            bytes = prompt.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_TEXT_BYTES) {
            throw ApiError.invalid(chat ? "messages" : "prompt", "the text is over " + MAX_TEXT_BYTES + " bytes");
        }
        Integer maxTokens = null;
        JsonNode mt = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        if (mt != null && !mt.isNull()) {
            // canConvertToLong first: Jackson's asLong() throws its own exception on a number past 64 bits.
            if (!mt.isIntegralNumber()
                    || !mt.canConvertToLong()
                    || mt.asLong() < 1
                    || mt.asLong() > Integer.MAX_VALUE) {
                throw ApiError.invalid("max_tokens", "max_tokens is a whole number from 1");
            }
            maxTokens = mt.asInt();
        }
        double temperature = number(body, "temperature", 1.0, 0, 2);
        double topP = number(body, "top_p", 1.0, 0, 1);
        Long seed = null;
        if (body.hasNonNull("seed")) {
            if (!body.get("seed").isIntegralNumber() || !body.get("seed").canConvertToLong()) {
                throw ApiError.invalid("seed", "seed is a whole number of at most 64 bits");
            }
            seed = body.get("seed").asLong();
        }
        List<String> stop = new ArrayList<>();
        JsonNode st = body.get("stop");
        String stopRule =
                "stop is a string or up to " + MAX_STOP + " strings, each 1–" + MAX_STOP_CHARS + " characters";
        if (st != null && !st.isNull()) {
            List<JsonNode> given = new ArrayList<>();
            if (st.isString()) {
                given.add(st);
            } else if (st.isArray() && st.size() <= MAX_STOP) {
                st.forEach(given::add);
            } else {
                throw ApiError.invalid("stop", stopRule);
            }
            for (JsonNode s : given) {
                if (!s.isString() || s.asString().isEmpty() || s.asString().length() > MAX_STOP_CHARS) {
                    throw ApiError.invalid("stop", stopRule);
                }
                stop.add(s.asString());
            }
        }
        JsonNode s = body.get("stream");
        if (s != null && !s.isNull() && !s.isBoolean()) {
            throw ApiError.invalid("stream", "stream is true or false");
        }
        JsonNode ie = body.get("ignore_eos");
        if (ie != null && !ie.isNull() && !ie.isBoolean()) {
            throw ApiError.invalid("ignore_eos", "ignore_eos is true or false");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.canConvertToInt() && n.asInt() == 1)) {
            throw ApiError.invalid("n", "only n = 1 is supported");
        }
        return new CompletionRequest(
                chat,
                model.asString(),
                List.copyOf(messages),
                prompt,
                maxTokens,
                temperature,
                topP,
                seed,
                List.copyOf(stop),
                ie != null && ie.asBoolean(),
                s != null && s.asBoolean());
    }

    private static String content(JsonNode c, String param) {
        if (c != null && c.isString()) {
            return c.asString();
        }
        if (c != null && c.isArray()) {
            if (c.size() > MAX_CONTENT_PARTS) {
                throw ApiError.invalid(param, "content has " + c.size() + " parts; send at most " + MAX_CONTENT_PARTS);
            }
            // Content parts: only text parts are understood.
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.path("type").isString()
                        || !part.path("type").asString().equals("text")) {
                    throw ApiError.invalid(param, "only text content parts are supported");
                }
                if (!part.path("text").isString()) {
                    throw ApiError.invalid(param, "a text content part's text is a string");
                }
                sb.append(part.path("text").asString());
            }
            return sb.toString();
        }
        throw ApiError.invalid(param, "content is a string");
    }

    private static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.invalid(field, field + " is a number from " + min + " to " + max);
        }
        return v.asDouble();
    }

    /** The request as this reading understood it, in its one spelling: what a gateway sends its worker. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", model);
        if (chat) {
            ArrayNode ms = o.putArray("messages");
            for (Message m : messages) {
                ms.addObject().put("role", m.role()).put("content", m.content());
            }
        } else {
            o.put("prompt", prompt);
        }
        if (maxTokens != null) {
            o.put("max_tokens", maxTokens);
        }
        o.put("temperature", temperature);
        o.put("top_p", topP);
        if (seed != null) {
            o.put("seed", seed);
        }
        ArrayNode st = o.putArray("stop");
        stop.forEach(st::add);
        o.put("ignore_eos", ignoreEos);
        o.put("stream", stream);
        return o;
    }

    /**
     * The most prompt tokens this request can take in any tokenizer whose tokens cover at least one byte
     * (byte-level fallback included; SentencePiece's space marker counts 3): 3 per byte of text, plus the
     * chat template's markers per message. The gateway reserves balance for this before any work is done.
     */
    public long promptTokensBound() {
        long bytes = 0;
        if (chat) {
            for (Message m : messages) {
                bytes += m.content().getBytes(StandardCharsets.UTF_8).length
                        + m.role().length();
            }
        } else {
            bytes = prompt.getBytes(StandardCharsets.UTF_8).length;
        }
        return 3 * bytes + 3L * ChatTemplate.MARKER_BYTES * (messages.size() + 1) + 2;
    }
}

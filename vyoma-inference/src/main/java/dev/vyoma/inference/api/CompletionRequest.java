package dev.vyoma.inference.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code /v1/chat/completions} or {@code /v1/completions} request, read and checked: the model, either the
 * messages or the prompt, and the sampling fields the worker honours. Anything else OpenAI defines is accepted
 * and ignored, as llama.cpp's own server does; llama.cpp's own {@code ignore_eos} is honoured too (generate
 * exactly {@code max_tokens}).
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

    /** Most stop sequences, as OpenAI. */
    public static final int MAX_STOP = 4;

    /** One chat message. */
    public record Message(String role, String content) {}

    /** Reads {@code body}, or throws the OpenAI error that says what is wrong. */
    public static CompletionRequest parse(ObjectNode body, boolean chat) {
        JsonNode model = body.get("model");
        if (model == null || !model.isString() || model.asString().isBlank()) {
            throw ApiError.invalid("model", "model is required: the id of a model from GET /v1/models");
        }
        List<Message> messages = List.of();
        String prompt = null;
        long bytes = 0;
        if (chat) {
            JsonNode ms = body.get("messages");
            if (ms == null || !ms.isArray() || ms.isEmpty()) {
                throw ApiError.invalid("messages", "messages is a non-empty array of {role, content}");
            }
            messages = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                String role = m.path("role").asString("");
                if (!List.of("system", "developer", "user", "assistant").contains(role)) {
                    throw ApiError.invalid(
                            "messages[" + i + "].role",
                            "role is one of system, developer, user, assistant; got '" + role + "'");
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
            if (!mt.isIntegralNumber() || mt.asLong() < 1 || mt.asLong() > Integer.MAX_VALUE) {
                throw ApiError.invalid("max_tokens", "max_tokens is a whole number from 1");
            }
            maxTokens = mt.asInt();
        }
        double temperature = number(body, "temperature", 1.0, 0, 2);
        double topP = number(body, "top_p", 1.0, 0, 1);
        Long seed = null;
        if (body.hasNonNull("seed")) {
            if (!body.get("seed").isIntegralNumber()) {
                throw ApiError.invalid("seed", "seed is a whole number");
            }
            seed = body.get("seed").asLong();
        }
        List<String> stop = new ArrayList<>();
        JsonNode st = body.get("stop");
        if (st != null && !st.isNull()) {
            if (st.isString()) {
                stop.add(st.asString());
            } else if (st.isArray() && st.size() <= MAX_STOP) {
                for (JsonNode s : st) {
                    if (!s.isString()) {
                        throw ApiError.invalid("stop", "stop is a string or up to 4 strings");
                    }
                    stop.add(s.asString());
                }
            } else {
                throw ApiError.invalid("stop", "stop is a string or up to 4 strings");
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
        if (n != null && !n.isNull() && n.asInt(0) != 1) {
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
            // Content parts: only text parts are understood.
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.path("type").asString("").equals("text")) {
                    throw ApiError.invalid(param, "only text content parts are supported");
                }
                sb.append(part.path("text").asString(""));
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

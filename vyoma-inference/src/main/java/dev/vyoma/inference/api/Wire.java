package dev.vyoma.inference.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The response bodies and stream chunks of OpenAI's chat and text completions. */
public final class Wire {
    private Wire() {}

    /** {@code usage} as OpenAI writes it. */
    public static Map<String, Object> usage(long prompt, long completion) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    private static Map<String, Object> head(String id, String object, long created, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("created", created);
        m.put("model", model);
        return m;
    }

    /** A whole completion. */
    public static Map<String, Object> completion(
            boolean chat, String id, long created, String model, String text, String finish, long prompt, long out) {
        Map<String, Object> m = head(id, chat ? "chat.completion" : "text_completion", created, model);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        if (chat) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", text);
            message.put("refusal", null);
            choice.put("message", message);
        } else {
            choice.put("text", text);
        }
        choice.put("logprobs", null);
        choice.put("finish_reason", finish);
        m.put("choices", List.of(choice));
        m.put("usage", usage(prompt, out));
        return m;
    }

    /** A stream chunk with a piece of text ({@code role} on the first chat chunk, {@code finish} on the last). */
    public static Map<String, Object> chunk(
            boolean chat, String id, long created, String model, String text, boolean first, String finish) {
        Map<String, Object> m = head(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        if (chat) {
            Map<String, Object> delta = new LinkedHashMap<>();
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
            choice.put("delta", delta);
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.put("logprobs", null);
        choice.put("finish_reason", finish);
        m.put("choices", List.of(choice));
        return m;
    }

    /** The stream's last chunk: no choices, the usage (OpenAI's {@code stream_options.include_usage} form). */
    public static Map<String, Object> usageChunk(
            boolean chat, String id, long created, String model, long prompt, long out) {
        Map<String, Object> m = head(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        m.put("choices", List.of());
        m.put("usage", usage(prompt, out));
        return m;
    }

    /** {@code GET /v1/models} entry. */
    public static Map<String, Object> model(String id, long created, String ownedBy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", ownedBy);
        return m;
    }
}

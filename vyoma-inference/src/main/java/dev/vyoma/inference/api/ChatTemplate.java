package dev.vyoma.inference.api;

import java.util.List;

/**
 * How chat messages become one prompt when the model carries no template of its own: ChatML, the format
 * llama.cpp falls back to ({@code <|im_start|>role\ncontent<|im_end|>\n}, then the assistant's turn).
 */
public final class ChatTemplate {
    /** Bytes of template text around one message (markers, newlines), excluding role and content. */
    public static final int MARKER_BYTES = "<|im_start|>\n<|im_end|>\n".length();

    private ChatTemplate() {}

    /** The prompt for {@code messages}, ending where the assistant's reply starts. */
    public static String chatMl(List<CompletionRequest.Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (CompletionRequest.Message m : messages) {
            sb.append("<|im_start|>")
                    .append(m.role())
                    .append('\n')
                    .append(m.content())
                    .append("<|im_end|>\n");
        }
        return sb.append("<|im_start|>assistant\n").toString();
    }
}

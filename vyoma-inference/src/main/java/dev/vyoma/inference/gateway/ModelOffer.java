package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.CompletionRequest;
import java.math.BigDecimal;

/**
 * A model the gateway offers: its id, the image providers run it from, prices in micro-units of the deposit
 * denomination per million input and output tokens, its context window, and how many replicas to keep.
 */
public record ModelOffer(
        String id,
        String image,
        long inputMicroPerMillion,
        long outputMicroPerMillion,
        int contextTokens,
        int minReplicas,
        int maxReplicas) {
    public ModelOffer {
        if (id == null || !CompletionRequest.MODEL_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "a model id is 1–" + CompletionRequest.MAX_MODEL_CHARS + " letters, digits and ._:/-, got " + id);
        }
        if (inputMicroPerMillion < 0 || outputMicroPerMillion < 0) {
            throw new IllegalArgumentException("prices of " + id + " cannot be negative");
        }
        if (contextTokens < 8) {
            throw new IllegalArgumentException("the context of " + id + " is at least 8 tokens");
        }
        if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
            throw new IllegalArgumentException(
                    "replicas of " + id + ": 0 ≤ min ≤ max and max ≥ 1, got " + minReplicas + ".." + maxReplicas);
        }
    }

    /**
     * Reads {@code ID=IMAGE,in=PRICE,out=PRICE[,context=N][,min=N][,max=N]} (prices in micro-units per million
     * tokens), as {@code vyoma inference serve --model} takes it.
     */
    public static ModelOffer parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "a model is ID=IMAGE,in=PRICE,out=PRICE[,context=N,min=N,max=N], got " + spec);
        }
        String id = spec.substring(0, eq);
        // Every field counts, empty ones too, so a stray comma is an error rather than ignored.
        String[] parts = spec.substring(eq + 1).split(",", -1);
        String image = parts[0];
        if (image.isBlank()) {
            throw new IllegalArgumentException("model " + id + ": the image comes first, after " + id + "=");
        }
        long in = -1;
        long out = -1;
        int context = 2048;
        int min = 1;
        int max = 2;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("model " + id + ": " + parts[i] + " is not KEY=VALUE");
            }
            long v;
            try {
                v = Long.parseLong(kv[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model " + id + ": " + kv[0] + " is a whole number, got " + kv[1]);
            }
            switch (kv[0]) {
                case "in" -> in = v;
                case "out" -> out = v;
                case "context" -> context = small(id, kv[0], v);
                case "min" -> min = small(id, kv[0], v);
                case "max" -> max = small(id, kv[0], v);
                default ->
                    throw new IllegalArgumentException(
                            "model " + id + ": unknown " + kv[0] + "; use in, out, context, min, max");
            }
        }
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException(
                    "model " + id + ": give in=PRICE and out=PRICE (micro-units per million tokens)");
        }
        return new ModelOffer(id, image, in, out, context, min, max);
    }

    private static int small(String id, String key, long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("model " + id + ": " + key + " is too large, got " + v);
        }
        return (int) v;
    }

    /** The exact cost of a request, in millionths of a micro-unit. */
    public long costPico(long inputTokens, long outputTokens) {
        return Math.addExact(
                Math.multiplyExact(inputTokens, inputMicroPerMillion),
                Math.multiplyExact(outputTokens, outputMicroPerMillion));
    }

    /** A price per million tokens in whole units (micro-units / 10^6), as AkashML's pricing shows it. */
    public static String perMillionUnits(long microPerMillion) {
        return BigDecimal.valueOf(microPerMillion, 6).stripTrailingZeros().toPlainString();
    }
}

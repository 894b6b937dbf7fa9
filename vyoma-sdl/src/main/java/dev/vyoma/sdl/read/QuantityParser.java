package dev.vyoma.sdl.read;

/**
 * Akash's quantity syntax for other configuration than SDL (a provider's declared inventory): CPU as cores
 * or millicores ({@code 2}, {@code 0.5}, {@code 500m}) and sizes with decimal or binary suffixes ({@code 512Mi},
 * {@code 1Gi}, {@code 2T}), read exactly as the SDL reads them. Each throws {@link IllegalArgumentException}
 * with a message for the user.
 */
public final class QuantityParser {
    private QuantityParser() {}

    public static long cpuMillis(String text) {
        return Quantities.cpuMillis(text);
    }

    public static long bytes(String text) {
        return Quantities.bytes(text, Quantities.SIZE_SUFFIXES, "a size such as 512Mi, 1Gi or 2T");
    }
}

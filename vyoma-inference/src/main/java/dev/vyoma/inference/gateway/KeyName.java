package dev.vyoma.inference.gateway;

import java.util.regex.Pattern;

/**
 * An API key's label, as its owner chose it: up to {@link #MAX_CHARS} letters, digits and {@code . _ -}, words
 * separated by single spaces (or nothing at all). Small and plain, since every key's name is kept in the
 * gateway's key file and shown back in listings.
 */
public record KeyName(String value) {
    /** Longest name, in characters. */
    public static final int MAX_CHARS = 64;

    private static final Pattern RULE = Pattern.compile("([A-Za-z0-9._-]+( [A-Za-z0-9._-]+)*)?");

    /** No name. */
    public static final KeyName NONE = new KeyName("");

    public KeyName {
        if (value == null || value.length() > MAX_CHARS || !RULE.matcher(value).matches()) {
            throw new IllegalArgumentException("a key name is up to " + MAX_CHARS
                    + " letters, digits and . _ -, words separated by single spaces");
        }
    }

    /**
     * A name read back from a key file written before names had a rule: characters outside the rule dropped,
     * spaces collapsed, cut to {@link #MAX_CHARS}.
     */
    static KeyName lenient(String stored) {
        if (stored == null) {
            return NONE;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stored.length() && sb.length() < MAX_CHARS; i++) {
            char c = stored.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ".-_".indexOf(c) >= 0) {
                sb.append(c);
            } else if (c == ' ' && !sb.isEmpty() && sb.charAt(sb.length() - 1) != ' ') {
                sb.append(' ');
            }
        }
        return new KeyName(sb.toString().strip());
    }

    @Override
    public String toString() {
        return value;
    }
}

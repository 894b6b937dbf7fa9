package dev.vyoma.ledger.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a provider's gateway answers: {@code https://HOST[:PORT]} and nothing else. Registered on the chain
 * and contacted by tenants and indexers, so it is held to one spelling: lower-case host, no credentials,
 * path, query or fragment, a port without leading zeros. Anything else is refused with the spelling to use.
 */
public record HostUri(String host, int port) {
    /** Longest host URI accepted. */
    public static final int MAX_LENGTH = 256;

    /** {@code port} is -1 when the URI names none (HTTPS's 443). */
    public HostUri {
        if (port != -1 && (port < 1 || port > 65_535)) {
            throw new IllegalArgumentException("host URI port " + port + " is outside 1..65535");
        }
    }

    /** The host URI written in {@code text}, or why it is not one, as {@link #parse} says. */
    public static Optional<String> problem(String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Parses {@code text}, which must be exactly the canonical spelling {@link #toString()} gives. */
    public static HostUri parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("host URI is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("host URI is not a URI (https://host[:port]): " + text);
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("host URI must be https://host[:port], got " + text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("host URI must not carry credentials, got " + text);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("host URI must not have a query or a fragment, got " + text);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("host URI must not have a path (not even /), got " + text);
        }
        HostUri parsed = new HostUri(uri.getHost().toLowerCase(Locale.ROOT), uri.getPort());
        if (!parsed.toString().equals(text)) {
            throw new IllegalArgumentException("write the host URI as " + parsed + ", got " + text);
        }
        return parsed;
    }

    /** {@code https://host} or {@code https://host:port}. */
    @Override
    public String toString() {
        return "https://" + host + (port == -1 ? "" : ":" + port);
    }
}

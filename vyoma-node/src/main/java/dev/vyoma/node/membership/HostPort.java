package dev.vyoma.node.membership;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A network address as a node's config spells it, {@code host:port} ({@code [v6]:port} for an IPv6 literal): where
 * the node listens, or where its peers reach it. Parsed once from config or command line into a host of at most
 * {@link #MAX_HOST_CHARS} characters that is a DNS name or an IP literal, and a port in range; anything else is
 * refused with a message that names the setting and shows an example.
 */
public record HostPort(String host, int port) {
    /** Longest host name (a DNS name is at most 253 characters). */
    public static final int MAX_HOST_CHARS = 253;

    /** Every interface: where a node listens to be reached from other machines. */
    public static final String ANY_IPV4 = "0.0.0.0";

    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public HostPort {
        if (host == null || host.isEmpty() || host.length() > MAX_HOST_CHARS) {
            throw new IllegalArgumentException("a host is 1 to " + MAX_HOST_CHARS + " characters");
        }
        if (!NAME.matcher(host).matches()
                && !(host.contains(":") && IPV6.matcher(host).matches())) {
            throw new IllegalArgumentException("a host is a DNS name or an IP address, got " + shown(host));
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("a port is 0 to 65535, got " + port);
        }
    }

    /**
     * Parses {@code text} as {@code host:port}; {@code setting} names where it came from in the message of a refusal.
     * A port of 0 (any free port) is taken only when {@code anyPort} is set: one can listen there, not be dialled.
     */
    public static HostPort parse(String text, String setting, boolean anyPort) {
        String example = anyPort ? "0.0.0.0:1317" : "10.0.0.1:26656";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(setting + " must be host:port, e.g. " + example + "; it is empty");
        }
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(
                        setting + " must be [IPv6]:port, e.g. [::1]:26656; got " + shown(text));
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException(setting + " must be host:port, e.g. " + example
                        + " (an IPv6 address in brackets: [::1]:26656); got " + shown(text));
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        int port;
        try {
            port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        int min = anyPort ? 0 : 1;
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException(
                    setting + ": the port must be " + min + " to 65535, got " + shown(portText) + " in " + shown(text));
        }
        try {
            return new HostPort(host.toLowerCase(Locale.ROOT), port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage() + " in " + shown(text), e);
        }
    }

    /** The canonical spelling, {@code host:port} or {@code [v6]:port}. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String shown(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder out = new StringBuilder("\"");
        for (char c : cut.toCharArray()) {
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.append('"').toString();
    }
}

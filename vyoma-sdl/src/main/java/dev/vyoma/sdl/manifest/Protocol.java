package dev.vyoma.sdl.manifest;

import java.util.Locale;
import java.util.Optional;

/** Transport protocol of an exposed port. */
public enum Protocol {
    TCP,
    UDP;

    /** Parses an SDL {@code proto} value: case-insensitive {@code tcp} or {@code udp}; empty means TCP. */
    public static Optional<Protocol> parse(String text) {
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "", "TCP" -> Optional.of(TCP);
            case "UDP" -> Optional.of(UDP);
            default -> Optional.empty();
        };
    }
}

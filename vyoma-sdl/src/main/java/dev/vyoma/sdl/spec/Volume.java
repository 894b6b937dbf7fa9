package dev.vyoma.sdl.spec;

import java.util.List;

/**
 * One storage volume per replica: its name ({@code default} when unnamed), size in bytes and attributes
 * ({@code class}, {@code persistent}), sorted by key.
 */
public record Volume(String name, long bytes, List<Attribute> attributes) {
    public Volume {
        attributes = List.copyOf(attributes);
    }

    /** The value of attribute {@code key}, or the empty string. */
    public String attribute(String key) {
        for (Attribute a : attributes) {
            if (a.key().equals(key)) {
                return a.value();
            }
        }
        return "";
    }

    /** Whether the volume survives restarts ({@code persistent: true}). */
    public boolean persistent() {
        return "true".equals(attribute("persistent"));
    }
}

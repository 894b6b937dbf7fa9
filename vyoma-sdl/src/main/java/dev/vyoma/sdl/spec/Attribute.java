package dev.vyoma.sdl.spec;

import java.util.Objects;

/** A key/value attribute, as used by placement requirements and resource attributes. */
public record Attribute(String key, String value) implements Comparable<Attribute> {
    public Attribute {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int compareTo(Attribute other) {
        return GoStrings.compare(key, other.key);
    }
}

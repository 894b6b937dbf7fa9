package dev.vyoma.sdl.spec;

import java.util.List;

/** Memory per replica in bytes. */
public record Memory(long bytes, List<Attribute> attributes) {
    public Memory {
        attributes = List.copyOf(attributes);
    }
}

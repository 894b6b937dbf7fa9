package dev.vyoma.sdl.yaml;

import java.util.List;

/** A mapping in source order; keys are scalars. Duplicate keys are kept so that they can be reported. */
public record YMapping(List<Entry> entries, Mark mark, long weight) implements YNode {
    /** One key and its value. */
    public record Entry(YScalar key, YNode value) {}

    public YMapping {
        entries = List.copyOf(entries);
    }

    @Override
    public String describe() {
        return "a mapping";
    }
}

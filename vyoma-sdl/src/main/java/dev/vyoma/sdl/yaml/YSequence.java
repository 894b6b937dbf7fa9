package dev.vyoma.sdl.yaml;

import java.util.List;

/** A sequence (list) in source order. */
public record YSequence(List<YNode> items, Mark mark, long weight) implements YNode {
    public YSequence {
        items = List.copyOf(items);
    }

    @Override
    public String describe() {
        return "a list";
    }
}

package dev.vyoma.sdl.yaml;

/** A position in the source, both numbers starting at 1. */
public record Mark(int line, int column) {
    /** Used where no position is known, such as a file that is empty. */
    public static final Mark START = new Mark(1, 1);
}

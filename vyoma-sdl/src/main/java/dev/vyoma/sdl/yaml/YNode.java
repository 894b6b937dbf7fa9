package dev.vyoma.sdl.yaml;

/** A YAML node: a scalar, a mapping or a sequence, with its position and its expanded size. */
public sealed interface YNode permits YScalar, YMapping, YSequence {
    /** Where the node starts. */
    Mark mark();

    /** Number of nodes in this subtree once aliases are expanded. */
    long weight();

    /** A short description of the node's kind for error messages: "a mapping", "a list", "a string". */
    String describe();
}

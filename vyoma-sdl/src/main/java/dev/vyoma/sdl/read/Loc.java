package dev.vyoma.sdl.read;

import dev.vyoma.sdl.yaml.Mark;
import dev.vyoma.sdl.yaml.YNode;

/** A field path such as {@code services.web.expose[0].port} and where it is in the file. */
public record Loc(String path, Mark mark) {
    /** The document root. */
    public static final Loc ROOT = new Loc("", Mark.START);

    /** The location of child {@code key} whose node is {@code node}. */
    public Loc key(String key, YNode node) {
        return new Loc(path.isEmpty() ? key : path + "." + key, node == null ? mark : node.mark());
    }

    /** The location of list item {@code index}. */
    public Loc index(int index, YNode node) {
        return new Loc(path + "[" + index + "]", node == null ? mark : node.mark());
    }

    /** The same path, at another position. */
    public Loc at(Mark other) {
        return new Loc(path, other);
    }
}

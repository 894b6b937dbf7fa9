package dev.vyoma.sdl.read;

import dev.vyoma.sdl.yaml.Mark;
import dev.vyoma.sdl.yaml.YNode;

/**
 * A field path such as {@code services.web.expose[0].port} and where it is in the file. The reader makes
 * one for nearly every field it reads but needs the path text only for the few it reports, so the text is
 * built from the parent chain when first asked for.
 */
public final class Loc {
    /** The document root. */
    public static final Loc ROOT = new Loc(null, null, -1, Mark.START, "");

    private final Loc parent;
    /** The key under the parent, or null for a list item. */
    private final String key;
    /** The list index under the parent, or -1 for a key. */
    private final int index;

    private final Mark mark;
    private String path;

    private Loc(Loc parent, String key, int index, Mark mark, String path) {
        this.parent = parent;
        this.key = key;
        this.index = index;
        this.mark = mark;
        this.path = path;
    }

    /** The location of child {@code key} whose node is {@code node}. */
    public Loc key(String key, YNode node) {
        return new Loc(this, key, -1, node == null ? mark : node.mark(), null);
    }

    /** The location of list item {@code index}. */
    public Loc index(int index, YNode node) {
        return new Loc(this, null, index, node == null ? mark : node.mark(), null);
    }

    /** The same path, at another position. */
    public Loc at(Mark other) {
        return new Loc(parent, key, index, other, path);
    }

    /** The dotted path: {@code services.web.expose[0].port}; empty for the root. */
    public String path() {
        String p = path;
        if (p == null) {
            String above = parent.path();
            if (key == null) {
                p = above + "[" + index + "]";
            } else {
                p = above.isEmpty() ? key : above + "." + key;
            }
            path = p;
        }
        return p;
    }

    /** Where the node starts. */
    public Mark mark() {
        return mark;
    }

    /** Equal when path and position are: a value, as where locations key a map of problems. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Loc other && mark.equals(other.mark) && path().equals(other.path());
    }

    @Override
    public int hashCode() {
        return 31 * path().hashCode() + mark.hashCode();
    }

    @Override
    public String toString() {
        return path() + " at " + mark;
    }
}

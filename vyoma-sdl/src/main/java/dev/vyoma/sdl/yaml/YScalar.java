package dev.vyoma.sdl.yaml;

/**
 * A scalar: its text as written (after unquoting and escapes), its explicit tag if any, and whether it was
 * written plain (unquoted), since only plain scalars resolve to numbers, booleans and null.
 */
public record YScalar(String value, String tag, boolean plain, Mark mark) implements YNode {
    @Override
    public long weight() {
        return 1;
    }

    /** Whether this scalar means null: a plain {@code ~}, {@code null} or nothing, or tag {@code !!null}. */
    public boolean isNull() {
        if (tag != null) {
            return tag.equals("tag:yaml.org,2002:null");
        }
        return plain
                && (value.isEmpty()
                        || value.equals("~")
                        || value.equals("null")
                        || value.equals("Null")
                        || value.equals("NULL"));
    }

    /** Whether the scalar is a string by its form: quoted, block, or tagged {@code !!str}. */
    public boolean isIndicatedString() {
        return !plain || "tag:yaml.org,2002:str".equals(tag);
    }

    @Override
    public String describe() {
        return isNull() ? "nothing (null)" : "\"" + abbreviate(value) + "\"";
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

package dev.vyoma.sdl.json;

/** Writes the events as compact JSON text straight into a buffer, with Go's string escaping. */
public final class JsonText implements JsonSink {
    private final StringBuilder out;
    private final boolean sortedKeys;
    /** Whether a value was just completed at the current level, so the next one needs a comma. */
    private boolean comma;

    public JsonText(int capacity, boolean sortedKeys) {
        this.out = new StringBuilder(capacity);
        this.sortedKeys = sortedKeys;
    }

    @Override
    public boolean sortedKeys() {
        return sortedKeys;
    }

    @Override
    public void beginObject() {
        separate();
        out.append('{');
    }

    @Override
    public void endObject() {
        out.append('}');
        comma = true;
    }

    @Override
    public void beginArray() {
        separate();
        out.append('[');
    }

    @Override
    public void endArray() {
        out.append(']');
        comma = true;
    }

    @Override
    public void key(String key) {
        if (comma) {
            out.append(',');
        }
        JsonWriter.appendString(out, key);
        out.append(':');
        comma = false;
    }

    @Override
    public void string(String value) {
        separate();
        JsonWriter.appendString(out, value);
        comma = true;
    }

    @Override
    public void number(int value) {
        separate();
        out.append(value);
        comma = true;
    }

    @Override
    public void number(long value) {
        separate();
        out.append(value);
        comma = true;
    }

    @Override
    public void bool(boolean value) {
        separate();
        out.append(value);
        comma = true;
    }

    @Override
    public void nullValue() {
        separate();
        out.append("null");
        comma = true;
    }

    /** Before a value or an opening bracket: a comma if a value precedes it at this level. */
    private void separate() {
        if (comma) {
            out.append(',');
            comma = false;
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}

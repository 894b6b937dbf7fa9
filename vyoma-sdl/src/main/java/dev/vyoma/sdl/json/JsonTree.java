package dev.vyoma.sdl.json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the events into a tree of {@link LinkedHashMap} (keys in emitted order), {@link ArrayList},
 * {@link String}, {@link Integer}, {@link Long}, {@link Boolean} and {@code null}: what {@link JsonWriter}
 * writes.
 */
public final class JsonTree implements JsonSink {
    /** Open containers, innermost first. */
    private final Deque<Object> open = new ArrayDeque<>();

    private Object root;
    /** The key the next value goes under, in the innermost open object. */
    private String pendingKey;

    @Override
    public boolean sortedKeys() {
        return false;
    }

    @Override
    public void beginObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        add(m);
        open.push(m);
    }

    @Override
    public void endObject() {
        open.pop();
    }

    @Override
    public void beginArray() {
        List<Object> l = new ArrayList<>();
        add(l);
        open.push(l);
    }

    @Override
    public void endArray() {
        open.pop();
    }

    @Override
    public void key(String key) {
        pendingKey = key;
    }

    @Override
    public void string(String value) {
        add(value);
    }

    @Override
    public void number(int value) {
        add(value);
    }

    @Override
    public void number(long value) {
        add(value);
    }

    @Override
    public void bool(boolean value) {
        add(value);
    }

    @Override
    public void nullValue() {
        add(null);
    }

    @SuppressWarnings("unchecked")
    private void add(Object value) {
        Object parent = open.peek();
        if (parent == null) {
            root = value;
        } else if (parent instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).put(pendingKey, value);
        } else {
            ((List<Object>) parent).add(value);
        }
        pendingKey = null;
    }

    /** The value built. */
    public Object root() {
        return root;
    }
}

package dev.vyoma.sdl.json;

/**
 * Receives a JSON value as a stream of events, in the order an emitter such as
 * {@link dev.vyoma.sdl.manifest.AkashJson} sends them. One emitter feeds both JSON text ({@link JsonText}) and the
 * map trees ({@link JsonTree}), so Akash's field rules exist once.
 */
public interface JsonSink {
    /** Whether object keys must come in Go's byte-wise order (the canonical form the version hash reads). */
    boolean sortedKeys();

    void beginObject();

    void endObject();

    void beginArray();

    void endArray();

    /** The next key of the current object; its value follows. */
    void key(String key);

    void string(String value);

    void number(int value);

    void number(long value);

    void bool(boolean value);

    void nullValue();
}

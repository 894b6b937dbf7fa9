package dev.vyoma.sdl.yaml;

/** The text is not YAML the reader accepts; the message says why, at {@link #mark()}. */
public final class YamlException extends Exception {
    private final Mark mark;

    public YamlException(Mark mark, String message) {
        super(message);
        this.mark = mark;
    }

    /** Where reading stopped. */
    public Mark mark() {
        return mark;
    }
}

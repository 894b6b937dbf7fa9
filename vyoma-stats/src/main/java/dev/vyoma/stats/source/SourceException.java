package dev.vyoma.stats.source;

/** The chain could not be read (node unreachable, an answer that is not a block); the message says what to fix. */
public final class SourceException extends RuntimeException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

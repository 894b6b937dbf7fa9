package dev.vyoma.stats.index;

/** The indexer cannot go on (another chain, a gap, the database refused); the message says what to fix. */
public final class IndexException extends RuntimeException {
    public IndexException(String message) {
        super(message);
    }

    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}

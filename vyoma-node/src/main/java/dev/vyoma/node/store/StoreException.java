package dev.vyoma.node.store;

/** The node's storage failed or holds something it must not: the message says what and where. */
public final class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

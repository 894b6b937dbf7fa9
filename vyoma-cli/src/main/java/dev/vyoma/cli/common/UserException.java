package dev.vyoma.cli.common;

/** A problem the user can fix; the CLI prints its message as one line and exits with 1. */
public final class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.vyoma.ledger.base;

/**
 * Thrown by a message handler to reject its transaction; the ledger rolls back every write of the
 * transaction's messages and reports the code and the one-line reason.
 */
public final class Rejected extends RuntimeException {
    private final ErrorCode code;

    public Rejected(ErrorCode code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** Rejects with {@code code} unless {@code condition} holds. */
    public static void unless(boolean condition, ErrorCode code, String reason) {
        if (!condition) {
            throw new Rejected(code, reason);
        }
    }

    /** Rejects with {@code code} unless {@code condition} holds; the reason is built only when it does not. */
    public static void unless(boolean condition, ErrorCode code, java.util.function.Supplier<String> reason) {
        if (!condition) {
            throw new Rejected(code, reason.get());
        }
    }
}

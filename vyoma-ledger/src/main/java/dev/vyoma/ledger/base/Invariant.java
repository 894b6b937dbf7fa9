package dev.vyoma.ledger.base;

/**
 * Checks of what the ledger's code relies on (always on, unlike Java's {@code assert}): a failure is a bug in
 * the ledger, never a user's mistake, and stops the block. {@code dev.vyoma.ledger.Invariants} checks the whole
 * state; these check one value where it is made.
 */
public final class Invariant {
    private Invariant() {}

    /** Fails loudly when a property the code relies on does not hold: a bug, never a user error. */
    public static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("ledger invariant violated: " + what);
        }
    }

    /** As {@link #check(boolean, String)}, building the description only when the check fails. */
    public static void check(boolean condition, java.util.function.Supplier<String> what) {
        if (!condition) {
            throw new IllegalStateException("ledger invariant violated: " + what.get());
        }
    }
}

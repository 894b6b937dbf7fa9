package dev.vyoma.sdl.manifest;

/**
 * A manifest a provider refuses, with what kind of problem it has and a one-line message that names the field and
 * says what to fix.
 */
public final class InvalidManifestException extends Exception {
    /** What is wrong, broadly: gateways answer 413, 400 or 422 from it. */
    public enum Problem {
        /** Over {@link ManifestLimits#MAX_MANIFEST_BYTES}. */
        TOO_LARGE,
        /** Not JSON (or not UTF-8). */
        NOT_JSON,
        /** JSON, but not a manifest this provider accepts. */
        INVALID
    }

    /**
     * Longest message. A refusal may quote what it read (a key, a number, a name), and what it read is a tenant's
     * bytes: the message stays one bounded line, so a refusal can neither grow with the manifest nor forge a line in
     * a log or an answer.
     */
    public static final int MAX_MESSAGE_CHARS = 500;

    private final Problem problem;

    public InvalidManifestException(Problem problem, String message) {
        super(oneLine(message), null, false, false);
        this.problem = problem;
    }

    private static String oneLine(String message) {
        int n = Math.min(message.length(), MAX_MESSAGE_CHARS);
        StringBuilder out = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = message.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return message.length() > MAX_MESSAGE_CHARS ? out.append('…').toString() : out.toString();
    }

    public Problem problem() {
        return problem;
    }
}

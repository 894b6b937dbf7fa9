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

    private final Problem problem;

    public InvalidManifestException(Problem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}

package dev.vyoma.sim;

/** A scenario file that cannot be run; the message names the field to fix. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}

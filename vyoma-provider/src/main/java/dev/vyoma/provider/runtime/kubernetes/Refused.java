package dev.vyoma.provider.runtime.kubernetes;

/** A manifest this runtime will not run, with a one-line reason that says what to change. */
public final class Refused extends Exception {
    public Refused(String message) {
        super(message);
    }
}

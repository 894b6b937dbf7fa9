package dev.vyoma.provider.runtime.container;

/** A manifest the container runtime will not run; the one-line message says what to change. */
public final class ManifestRefused extends Exception {
    public ManifestRefused(String message) {
        super(message, null, false, false);
    }
}

package dev.vyoma.provider.gateway;

import java.time.Duration;

/**
 * How much the gateway's lease shells may take: shells open at once (in all and per lease), how long one may run,
 * and how much it may write and read. {@link #DEFAULTS} is what a provider runs with; tests use smaller.
 */
public record ShellLimits(
        int shells, int shellsPerLease, Duration maxDuration, long maxOutputBytes, long maxInputBytes) {
    /** Shells open at once on this provider, over all leases (503 past it). */
    public static final int MAX_SHELLS = 32;
    /** Shells open at once in one lease (429 past it). */
    public static final int MAX_SHELLS_PER_LEASE = 4;
    /** The longest a shell's command runs; then it is stopped and the tenant told so. */
    public static final Duration MAX_DURATION = Duration.ofHours(1);
    /** The most stdout and stderr bytes one shell passes on; past it the command is stopped. */
    public static final long MAX_OUTPUT_BYTES = 64L << 20;
    /** The most stdin bytes one shell takes; past it the command is stopped. */
    public static final long MAX_INPUT_BYTES = 64L << 20;
    /** The largest WebSocket message the tenant may send (one piece of stdin). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** Arguments of the command, its name included. */
    public static final int MAX_COMMAND_ARGS = 64;
    /**
     * Characters of the command and its arguments together: they travel in the URL, which with the token must fit in
     * the gateway's 8 KiB of request head even when every character is percent-encoded.
     */
    public static final int MAX_COMMAND_CHARS = 2 * 1024;
    /** A shell admitted at the upgrade whose WebSocket never opens gives its place back after this. */
    public static final Duration CONNECT_WITHIN = Duration.ofSeconds(30);
    /** How often an open shell pings the tenant, so a quiet command outlives the idle timeout. */
    public static final Duration PING_EVERY = Duration.ofSeconds(10);

    /** The limits a provider runs with. */
    public static final ShellLimits DEFAULTS =
            new ShellLimits(MAX_SHELLS, MAX_SHELLS_PER_LEASE, MAX_DURATION, MAX_OUTPUT_BYTES, MAX_INPUT_BYTES);

    public ShellLimits {
        if (shells < 1 || shellsPerLease < 1 || maxOutputBytes < 0 || maxInputBytes < 0) {
            throw new IllegalArgumentException("shell limits must be positive");
        }
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("a shell's longest run must be positive");
        }
    }
}

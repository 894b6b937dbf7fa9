package dev.vyoma.inference.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret one worker shares with the gateway that runs it: 256 random bits, written as 64 lowercase hex
 * digits. The gateway makes one per lease and hands it to the worker in its environment ({@link #ENV}, set by
 * the replica's manifest, which only the provider that runs the worker sees); the worker answers only requests
 * that carry it as {@code Authorization: Bearer HEX}, so nobody who learns a worker's address gets tokens
 * without paying the gateway. Never printed: {@link #toString} is redacted.
 */
public final class WorkerSecret {
    /** The environment variable a worker reads its secret from. */
    public static final String ENV = "VYOMA_WORKER_SECRET";

    /** Random bytes in a secret (256 bits). */
    public static final int BYTES = 32;

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{" + 2 * BYTES + "}");

    private final String hex;
    private final byte[] authorization;

    private WorkerSecret(String hex) {
        this.hex = hex;
        this.authorization = authorizationOf(hex).getBytes(StandardCharsets.US_ASCII);
    }

    /** A fresh secret from {@code random}. */
    public static WorkerSecret random(SecureRandom random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new WorkerSecret(HexFormat.of().formatHex(b));
    }

    /** Reads a secret; an {@link IllegalArgumentException} says what a secret looks like (never echoing it). */
    public static WorkerSecret parse(String hex) {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a worker secret is " + 2 * BYTES
                    + " lowercase hex digits (256 random bits, e.g. from openssl rand -hex " + BYTES + ")");
        }
        return new WorkerSecret(hex);
    }

    /** The 64 hex digits, for the replica's manifest. */
    public String hex() {
        return hex;
    }

    /** The {@code Authorization} header value the gateway sends with every request to the worker. */
    public String authorization() {
        return authorizationOf(hex);
    }

    /**
     * Whether an {@code Authorization} header carries this secret; compared in time independent of where the
     * two differ, so a caller cannot find the secret digit by digit.
     */
    public boolean admits(String authorizationHeader) {
        byte[] presented =
                authorizationHeader == null ? new byte[0] : authorizationHeader.getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(authorization, presented);
    }

    private static String authorizationOf(String hex) {
        return "Bearer " + hex;
    }

    @Override
    public String toString() {
        return "WorkerSecret[redacted]";
    }
}

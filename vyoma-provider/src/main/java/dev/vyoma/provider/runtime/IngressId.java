package dev.vyoma.provider.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ingress id of a lease's service, the first label of its host name ({@code <id>.<ingress domain>}) on every
 * runtime: the first 12 hex digits of the SHA-256 of {@code lease/service}.
 */
public final class IngressId {
    private IngressId() {}

    /** The ingress id of service {@code service} of lease {@code lease}. */
    public static String of(String lease, String service) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((lease + "/" + service).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

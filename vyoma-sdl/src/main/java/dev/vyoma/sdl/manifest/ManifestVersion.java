package dev.vyoma.sdl.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A deployment's version: SHA-256 over the manifest's canonical JSON (Go's field rules, keys sorted at
 * every level, no whitespace). Identical to Akash's {@code Manifest.Version()}, so a provider compares it
 * with the hash the deployment recorded on the ledger.
 */
public final class ManifestVersion {
    private final byte[] hash;

    private ManifestVersion(byte[] hash) {
        this.hash = hash;
    }

    /** Hashes a manifest. */
    public static ManifestVersion of(Manifest manifest) {
        return ofCanonicalJson(canonicalJson(manifest));
    }

    /** The exact bytes that are hashed, as a string. */
    public static String canonicalJson(Manifest manifest) {
        return AkashJson.manifestCanonicalJson(manifest);
    }

    /** Hashes canonical manifest JSON produced elsewhere. */
    public static ManifestVersion ofCanonicalJson(String json) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return new ManifestVersion(sha.digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Wraps a 32-byte hash read from the ledger. */
    public static ManifestVersion ofBytes(byte[] hash) {
        if (hash.length != 32) {
            throw new IllegalArgumentException("a manifest version is 32 bytes, got " + hash.length);
        }
        return new ManifestVersion(hash.clone());
    }

    /** The 32 hash bytes. */
    public byte[] bytes() {
        return hash.clone();
    }

    /** Lowercase hex, as the CLI prints it. */
    public String hex() {
        return HexFormat.of().formatHex(hash);
    }

    /** Base64, as Akash's JSON queries show {@code Deployment.hash}. */
    public String base64() {
        return Base64.getEncoder().encodeToString(hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManifestVersion other && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return hex();
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.crypto.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * API keys, each bound to the ledger account that pays for its requests. A key is shown once when created
 * ({@code vyk-} and 40 hex digits); the gateway keeps only its SHA-256, its id (the first 8 digits), its
 * owner, its limits and whether it was revoked, in {@code keys.json} (replaced atomically on each change).
 */
public final class ApiKeys {
    /** Most keys one account may hold (revoked ones included). */
    public static final int MAX_KEYS_PER_OWNER = 64;

    /** A stored key: never the secret itself. */
    public record Key(
            String id,
            String sha256Hex,
            Address owner,
            String name,
            int requestsPerMinute,
            int maxConcurrent,
            long createdMillis,
            boolean revoked) {}

    /** A key just made: the secret, shown once, and its record. */
    public record Created(String secret, Key key) {}

    private final Path file;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Key> byHash = new LinkedHashMap<>();

    /** Keys kept in {@code file} (read now if it exists). */
    public ApiKeys(Path file, Clock clock, SecureRandom random) {
        this.file = file;
        this.clock = clock;
        this.random = random;
        if (Files.exists(file)) {
            try {
                for (JsonNode k : Json.MAPPER.readTree(Files.readString(file)).path("keys")) {
                    Key key = new Key(
                            k.path("id").asString(),
                            k.path("sha256").asString(),
                            Address.parse(k.path("owner").asString()),
                            k.path("name").asString(""),
                            k.path("requestsPerMinute").asInt(),
                            k.path("maxConcurrent").asInt(),
                            k.path("created").asLong(),
                            k.path("revoked").asBoolean());
                    byHash.put(key.sha256Hex(), key);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API keys in " + file, e);
            }
        }
    }

    /** Makes a key for {@code owner}. */
    public synchronized Created create(Address owner, String name, int requestsPerMinute, int maxConcurrent) {
        if (requestsPerMinute < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("a key allows at least 1 request per minute and 1 at a time");
        }
        long owned =
                byHash.values().stream().filter(k -> k.owner().equals(owner)).count();
        if (owned >= MAX_KEYS_PER_OWNER) {
            throw new IllegalArgumentException(
                    owner + " has " + MAX_KEYS_PER_OWNER + " keys, the most an account may hold");
        }
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        String text = "vyk-" + HexFormat.of().formatHex(secret);
        Key key = new Key(
                text.substring(4, 12),
                sha256(text),
                owner,
                name == null ? "" : name,
                requestsPerMinute,
                maxConcurrent,
                clock.millis(),
                false);
        byHash.put(key.sha256Hex(), key);
        save();
        return new Created(text, key);
    }

    /** The owner's keys, oldest first. */
    public synchronized List<Key> list(Address owner) {
        List<Key> out = new ArrayList<>();
        for (Key k : byHash.values()) {
            if (k.owner().equals(owner)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Revokes the owner's key {@code id}; false if the owner has no such key. */
    public synchronized boolean revoke(Address owner, String id) {
        for (Key k : byHash.values()) {
            if (k.owner().equals(owner) && k.id().equals(id)) {
                byHash.put(
                        k.sha256Hex(),
                        new Key(
                                k.id(),
                                k.sha256Hex(),
                                k.owner(),
                                k.name(),
                                k.requestsPerMinute(),
                                k.maxConcurrent(),
                                k.createdMillis(),
                                true));
                save();
                return true;
            }
        }
        return false;
    }

    /** The key an {@code Authorization: Bearer vyk-…} header names, or the 401 that says why not. */
    public Key authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw ApiError.unauthorized(
                    "no API key: send Authorization: Bearer vyk-…; create a key with vyoma inference keys create");
        }
        String secret = authorization.substring(7).strip();
        Key k;
        synchronized (this) {
            k = byHash.get(sha256(secret));
        }
        if (k == null) {
            throw ApiError.unauthorized("the API key is not known to this gateway; check it, or create one");
        }
        if (k.revoked()) {
            throw ApiError.unauthorized("the API key " + k.id() + " was revoked; create a new one");
        }
        return k;
    }

    private void save() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode keys = root.putArray("keys");
        for (Key k : byHash.values()) {
            ObjectNode n = keys.addObject();
            n.put("id", k.id());
            n.put("sha256", k.sha256Hex());
            n.put("owner", k.owner().toString());
            n.put("name", k.name());
            n.put("requestsPerMinute", k.requestsPerMinute());
            n.put("maxConcurrent", k.maxConcurrent());
            n.put("created", k.createdMillis());
            n.put("revoked", k.revoked());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the API keys to " + file, e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

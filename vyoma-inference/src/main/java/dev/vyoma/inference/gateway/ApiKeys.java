package dev.vyoma.inference.gateway;

import dev.vyoma.client.AtomicFiles;
import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.Edge;
import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.crypto.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * API keys, each bound to the ledger account that pays for its requests. A key is shown once when created
 * ({@code vyk-} and 40 hex digits); the gateway keeps only its SHA-256, its id (the first 8 digits, unique among
 * the keys kept), its owner, its name, its limits and whether it was revoked, in {@code keys.json} (replaced
 * atomically on each change). Everything in the file is bounded: keys per account, keys in all, the names, and
 * how often an account may change its keys, since each change rewrites the file.
 */
public final class ApiKeys {
    /** Most keys an account may have in use (not revoked) at once. */
    public static final int MAX_ACTIVE_KEYS_PER_ACCOUNT = 16;

    /**
     * Most keys kept per account, revoked ones included (so that a revoked key is still named as revoked); past
     * it, the account's oldest revoked key is forgotten.
     */
    public static final int MAX_KEYS_PER_ACCOUNT = 32;

    /** Most keys the gateway keeps in all, unless its operator sizes it otherwise; past it, the oldest revoked. */
    public static final int MAX_KEYS = 100_000;

    /** Most keys an account may create and revoke in an hour: each change rewrites the key file. */
    public static final int MAX_KEY_CHANGES_PER_HOUR = 60;

    private static final long HOUR_MS = 3_600_000L;
    private static final Pattern SECRET = Pattern.compile("vyk-[0-9a-f]{40}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}");

    /** A stored key: never the secret itself. */
    public record Key(
            String id,
            String sha256Hex,
            Address owner,
            KeyName name,
            int requestsPerMinute,
            int maxConcurrent,
            long createdMillis,
            boolean revoked) {}

    /** A key just made: the secret, shown once, and its record. */
    public record Created(String secret, Key key) {}

    private final Path file;
    private final Clock clock;
    private final SecureRandom random;
    private final int maxKeys;
    private final Map<String, Key> byHash = new LinkedHashMap<>();
    private final Map<Address, ArrayDeque<Long>> changes = new HashMap<>();

    /** Keys kept in {@code file} (read now if it exists), at most {@link #MAX_KEYS}. */
    public ApiKeys(Path file, Clock clock, SecureRandom random) {
        this(file, clock, random, MAX_KEYS);
    }

    /** Keys kept in {@code file} (read now if it exists), at most {@code maxKeys} in all. */
    public ApiKeys(Path file, Clock clock, SecureRandom random, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("a gateway keeps at least 1 key, got " + maxKeys);
        }
        this.file = file;
        this.clock = clock;
        this.random = random;
        this.maxKeys = maxKeys;
        if (Files.exists(file)) {
            try {
                for (JsonNode k : Json.MAPPER.readTree(Files.readString(file)).path("keys")) {
                    Key key = new Key(
                            k.path("id").asString(),
                            k.path("sha256").asString(),
                            Address.parse(k.path("owner").asString()),
                            KeyName.lenient(k.path("name").asString("")),
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

    /**
     * Makes a key for {@code owner}, whose inference account the caller has found open: refused (an {@link
     * ApiError} saying why) over the account's keys in use, over its changes this hour, or when the gateway's
     * keys are all in use.
     */
    public synchronized Created create(Address owner, KeyName name, int requestsPerMinute, int maxConcurrent) {
        if (requestsPerMinute < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("a key allows at least 1 request per minute and 1 at a time");
        }
        List<Key> owned = list(owner);
        long active = owned.stream().filter(k -> !k.revoked()).count();
        if (active >= MAX_ACTIVE_KEYS_PER_ACCOUNT) {
            throw ApiError.invalid(
                    null, owner + " has " + active + " keys in use, the most an account may have; revoke one first");
        }
        List<Key> drop = new ArrayList<>();
        if (owned.size() >= MAX_KEYS_PER_ACCOUNT) {
            owned.stream().filter(Key::revoked).findFirst().ifPresent(drop::add);
        }
        if (byHash.size() - drop.size() >= maxKeys) {
            Key oldest = byHash.values().stream()
                    .filter(k -> k.revoked() && !drop.contains(k))
                    .findFirst()
                    .orElse(null);
            if (oldest == null) {
                throw ApiError.server(
                        503, "this gateway holds " + maxKeys + " keys in use, the most it keeps; ask its operator");
            }
            drop.add(oldest);
        }
        long now = clock.millis();
        change(owner, now);
        String text;
        String id;
        do {
            // The id is what a key is revoked and rate-limited by: unique among the keys kept.
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            text = "vyk-" + HexFormat.of().formatHex(secret);
            id = text.substring(4, 12);
        } while (hasId(id));
        drop.forEach(k -> byHash.remove(k.sha256Hex()));
        Key key = new Key(id, sha256(text), owner, name, requestsPerMinute, maxConcurrent, now, false);
        byHash.put(key.sha256Hex(), key);
        save();
        return new Created(text, key);
    }

    private boolean hasId(String id) {
        for (Key k : byHash.values()) {
            if (k.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** Counts one change of {@code owner}'s keys, or refuses it (429) past {@link #MAX_KEY_CHANGES_PER_HOUR}. */
    private void change(Address owner, long now) {
        changes.values().forEach(d -> {
            while (!d.isEmpty() && d.peekFirst() <= now - HOUR_MS) {
                d.pollFirst();
            }
        });
        changes.values().removeIf(ArrayDeque::isEmpty);
        ArrayDeque<Long> mine = changes.computeIfAbsent(owner, o -> new ArrayDeque<>());
        if (mine.size() >= MAX_KEY_CHANGES_PER_HOUR) {
            long waitMs = mine.peekFirst() + HOUR_MS - now;
            throw ApiError.rateLimited(owner + " changed its keys " + MAX_KEY_CHANGES_PER_HOUR
                    + " times in the last hour, the most; retry in " + Math.max(1, (waitMs + 59_999) / 60_000)
                    + " min");
        }
        mine.addLast(now);
    }

    /** The id of a key as a path names it ({@code DELETE /v1/keys/ID}), or the 400 that says what an id is. */
    public static String id(String raw) {
        if (raw == null || !ID.matcher(raw).matches()) {
            throw ApiError.invalid(
                    "id", "a key id is 8 lowercase hex digits (the ones after vyk-), got " + Edge.shortened(raw));
        }
        return raw;
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

    /** Revokes the owner's key {@code id} (once: again changes nothing); false if the owner has no such key. */
    public synchronized boolean revoke(Address owner, String id) {
        for (Key k : byHash.values()) {
            if (k.owner().equals(owner) && k.id().equals(id)) {
                if (k.revoked()) {
                    return true;
                }
                change(owner, clock.millis());
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
        if (!SECRET.matcher(secret).matches()) {
            throw ApiError.unauthorized("an API key is vyk- and 40 lowercase hex digits; check it, or create one");
        }
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
            n.put("name", k.name().value());
            n.put("requestsPerMinute", k.requestsPerMinute());
            n.put("maxConcurrent", k.maxConcurrent());
            n.put("created", k.createdMillis());
            n.put("revoked", k.revoked());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.replace(
                    file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
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

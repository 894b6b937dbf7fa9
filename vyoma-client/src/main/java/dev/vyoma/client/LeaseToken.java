package dev.vyoma.client;

import dev.vyoma.ledger.base.Utf8Text;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.crypto.Signature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A short-lived token with which a tenant proves to a provider that it owns a lease: a JSON payload (owner,
 * owner's public key, audience = the provider's address, the lease, expiry) and the owner's Ed25519
 * signature over {@code "vyoma/lease-token/v1\n" + payload}, both base64url, joined by a dot. A provider
 * accepts it only if the signature verifies, the key is the owner's, it is addressed to this provider, and it
 * has not expired (and was not made to last more than {@link #MAX_TTL}).
 */
public final class LeaseToken {
    /** The longest a token may be valid. */
    public static final Duration MAX_TTL = Duration.ofMinutes(15);

    private static final byte[] DOMAIN = "vyoma/lease-token/v1\n".getBytes(StandardCharsets.UTF_8);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a verified token says. */
    public record Claims(Address owner, Address audience, String lease, Instant expires) {}

    private LeaseToken() {}

    /** A token for {@code lease} ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) for {@code provider}, valid for {@code ttl}. */
    public static String create(KeyPair owner, Address provider, String lease, Duration ttl, Instant now) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a lease token lasts between 1 s and " + MAX_TTL.toMinutes() + " min");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("v", 1);
        claims.put("owner", owner.address().toString());
        claims.put("pubkey", HexFormat.of().formatHex(owner.publicKey().bytes()));
        claims.put("aud", provider.toString());
        claims.put("lease", lease);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        byte[] payload = JSON.writeValueAsBytes(claims);
        Signature sig = Ed25519.sign(owner.privateKey(), signed(payload));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(sig.bytes());
    }

    /** Verifies {@code token} for {@code audience} at {@code now}; an {@link IllegalArgumentException} says why not. */
    public static Claims verify(String token, Address audience, Instant now) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not a lease token (expected PAYLOAD.SIGNATURE)");
        }
        byte[] payload;
        byte[] sig;
        JsonNode c;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a lease token: it does not decode");
        }
        try {
            c = JSON.readTree(Utf8Text.decode(payload));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a lease token: the payload is not UTF-8 text");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a lease token: it does not decode");
        }
        // Every claim is read strictly: Jackson's coercing getters throw its own exception on a value of the wrong
        // kind (a string version, say), and that must be a refusal like any other, not a failure of the gateway.
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("not a lease token: the payload is not a JSON object");
        }
        JsonNode v = c.path("v");
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() != 1) {
            throw new IllegalArgumentException("unsupported lease token version");
        }
        PublicKey key;
        Address owner;
        Address aud;
        try {
            key = new PublicKey(HexFormat.of().parseHex(text(c, "pubkey")));
        } catch (IllegalArgumentException e) {
            // Not the parser's message: it quotes the offending character, which may be a control character.
            throw new IllegalArgumentException("lease token: pubkey is not an Ed25519 public key in hex (64 digits)");
        }
        try {
            owner = Address.parse(text(c, "owner"));
            aud = Address.parse(text(c, "aud"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lease token: " + e.getMessage());
        }
        if (sig.length != Signature.LENGTH_BYTES || !Ed25519.verify(key, signed(payload), new Signature(sig))) {
            throw new IllegalArgumentException("lease token: the signature does not verify");
        }
        if (!key.address().equals(owner)) {
            throw new IllegalArgumentException("lease token: the key is not " + owner + "'s");
        }
        if (!aud.equals(audience)) {
            throw new IllegalArgumentException("lease token: made for provider " + aud + ", this is " + audience);
        }
        long exp = seconds(c, "exp");
        long iat = seconds(c, "iat");
        if (exp <= now.getEpochSecond()) {
            throw new IllegalArgumentException(
                    "lease token: expired at " + Instant.ofEpochSecond(exp) + "; make a new one");
        }
        if (exp - iat > MAX_TTL.toSeconds() || exp - now.getEpochSecond() > MAX_TTL.toSeconds()) {
            throw new IllegalArgumentException("lease token: valid for longer than " + MAX_TTL.toMinutes() + " min");
        }
        return new Claims(owner, aud, text(c, "lease"), Instant.ofEpochSecond(exp));
    }

    /** The string claim {@code field}; a missing one, or one of another kind, is refused. */
    private static String text(JsonNode claims, String field) {
        JsonNode n = claims.path(field);
        if (!n.isString()) {
            throw new IllegalArgumentException("lease token: " + field + " is not a string");
        }
        return n.asString();
    }

    /** The time claim {@code field}: whole seconds since the epoch, no later than an {@link Instant} can hold. */
    private static long seconds(JsonNode claims, String field) {
        JsonNode n = claims.path(field);
        if (!n.isIntegralNumber()
                || !n.canConvertToLong()
                || n.asLong() < 0
                || n.asLong() > Instant.MAX.getEpochSecond()) {
            throw new IllegalArgumentException("lease token: " + field + " is not a time in whole seconds");
        }
        return n.asLong();
    }

    private static byte[] signed(byte[] payload) {
        byte[] out = new byte[DOMAIN.length + payload.length];
        System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
        System.arraycopy(payload, 0, out, DOMAIN.length, payload.length);
        return out;
    }
}

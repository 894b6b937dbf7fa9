package dev.vyoma.client.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.client.LeaseToken;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.node.NamedKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Fuzzes {@link LeaseToken#verify} as a provider's gateway calls it on the {@code Authorization: Bearer} header of
 * every tenant request, then reads the token's lease with {@link BidId#parse}. A token is refused with an {@link
 * IllegalArgumentException} (a 401 whose message is one short line) or verified into claims that hold what the
 * gateway relies on: signed by the owner's key, for this provider, not expired and not lasting past {@link
 * LeaseToken#MAX_TTL}. Three ways in: any header text; any payload, signed by a real owner so that the fuzzer
 * gets past the signature to the claims; and a token made by {@link LeaseToken#create} for any lease and lifetime.
 */
class LeaseTokenFuzzTest {
    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("fuzz");

    private static final KeyPair OWNER = KEYS.key("owner");
    private static final Address PROVIDER = KEYS.key("provider").address();
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final byte[] DOMAIN = "vyoma/lease-token/v1\n".getBytes(StandardCharsets.UTF_8);

    /** Longest refusal: it says what is wrong and names addresses and times, never the token at length. */
    private static final int MAX_MESSAGE_CHARS = 300;

    @FuzzTest
    void header(byte[] header) {
        check(new String(header, StandardCharsets.UTF_8));
    }

    @FuzzTest
    void signedPayload(byte[] payload) {
        byte[] signed = new byte[DOMAIN.length + payload.length];
        System.arraycopy(DOMAIN, 0, signed, 0, DOMAIN.length);
        System.arraycopy(payload, 0, signed, DOMAIN.length, payload.length);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        check(b64.encodeToString(payload) + "."
                + b64.encodeToString(Ed25519.sign(OWNER.privateKey(), signed).bytes()));
    }

    @FuzzTest
    void created(FuzzedDataProvider data) {
        long ttlSeconds = data.consumeLong(1, LeaseToken.MAX_TTL.toSeconds());
        long skewSeconds = data.consumeLong(-2 * LeaseToken.MAX_TTL.toSeconds(), 2 * LeaseToken.MAX_TTL.toSeconds());
        String lease = data.consumeRemainingAsString();
        Instant madeAt = NOW.plusSeconds(skewSeconds);
        String token = LeaseToken.create(OWNER, PROVIDER, lease, Duration.ofSeconds(ttlSeconds), madeAt);
        LeaseToken.Claims claims = check(token);
        boolean live = madeAt.plusSeconds(ttlSeconds).isAfter(NOW)
                && madeAt.plusSeconds(ttlSeconds).getEpochSecond() - NOW.getEpochSecond()
                        <= LeaseToken.MAX_TTL.toSeconds();
        assertThat(claims != null).as("verified").isEqualTo(live);
        if (claims != null) {
            assertThat(claims.lease()).isEqualTo(lease);
            assertThat(claims.expires())
                    .isEqualTo(
                            Instant.ofEpochSecond(madeAt.plusSeconds(ttlSeconds).getEpochSecond()));
        }
    }

    /** Verifies as the gateway does; the claims, or null when the token is refused as it must be. */
    private static LeaseToken.Claims check(String token) {
        LeaseToken.Claims claims;
        try {
            claims = LeaseToken.verify(token, PROVIDER, NOW);
        } catch (IllegalArgumentException e) {
            assertRefusal(e);
            return null;
        }
        assertThat(claims.owner()).isEqualTo(OWNER.address());
        assertThat(claims.audience()).isEqualTo(PROVIDER);
        assertThat(claims.expires()).isAfter(NOW);
        assertThat(Duration.between(NOW, claims.expires())).isLessThanOrEqualTo(LeaseToken.MAX_TTL);
        assertThat(claims.lease()).isNotNull();
        try {
            BidId lease = BidId.parse(claims.lease());
            assertThat(lease.toString()).isEqualToIgnoringCase(claims.lease());
        } catch (IllegalArgumentException e) {
            assertRefusal(e);
        }
        return claims;
    }

    private static void assertRefusal(IllegalArgumentException e) {
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS);
        assertThat(e.getMessage().chars().noneMatch(Character::isISOControl))
                .as("one line: %s", e.getMessage())
                .isTrue();
    }
}

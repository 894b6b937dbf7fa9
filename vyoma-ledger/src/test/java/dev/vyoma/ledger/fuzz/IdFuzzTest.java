package dev.vyoma.ledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Fuzzes the parsers of the ids a stranger writes in a path or a token (a lease id {@code
 * OWNER/DSEQ/GSEQ/OSEQ/PROVIDER} at the provider's gateway, an order or deployment at the node's API) and of
 * the whole numbers inside them. Each text is either refused with an {@link IllegalArgumentException} whose
 * message is one short line, or read into an id whose one spelling is the text itself (up to the case of the
 * bech32 addresses, which BIP-173 lets a writer choose) and reads back to the same id.
 */
@Isolated
class IdFuzzTest {
    /** Longest refusal: it names the part and quotes at most a few dozen characters of the input. */
    private static final int MAX_MESSAGE_CHARS = 300;

    @FuzzTest
    void ids(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        roundTrip(text, BidId::parse);
        roundTrip(text, OrderId::parse);
        roundTrip(text, GroupId::parse);
        roundTrip(text, DeploymentId::parse);
        roundTrip(text, Address::parse);
    }

    /**
     * Whole numbers against a plain reference: accepted exactly when the text is digits without a leading zero
     * (or {@code 0} itself) and the value is in range, and then the value spells the text.
     */
    @FuzzTest
    void wholeNumbers(FuzzedDataProvider data) {
        // The ranges the callers use (from 0 or 1 to the largest long), or any other; consumeLong(0, Long.MAX_VALUE)
        // itself is not used, since the provider's range arithmetic overflows there.
        long a = data.consumeLong() & Long.MAX_VALUE;
        long b = data.consumeLong() & Long.MAX_VALUE;
        int kind = data.consumeInt(0, 2);
        long min = kind == 2 ? Math.min(a, b) : kind;
        long max = kind == 2 ? Math.max(a, b) : Long.MAX_VALUE;
        String text = data.consumeRemainingAsString();
        boolean expected = text.matches("0|[1-9][0-9]*")
                && text.length() <= WholeNumber.MAX_DIGITS
                && new BigInteger(text).compareTo(BigInteger.valueOf(min)) >= 0
                && new BigInteger(text).compareTo(BigInteger.valueOf(max)) <= 0;
        try {
            long value = WholeNumber.parse(text, "n", min, max);
            assertThat(expected).as("accepted %s", WholeNumber.shown(text)).isTrue();
            assertThat(Long.toString(value)).isEqualTo(text);
        } catch (IllegalArgumentException e) {
            assertThat(expected)
                    .as("refused %s: %s", WholeNumber.shown(text), e.getMessage())
                    .isFalse();
            assertRefusal(e);
        }
        String shown = WholeNumber.shown(text);
        assertThat(shown.length()).isLessThanOrEqualTo(43);
        assertThat(shown.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '…'))
                .isTrue();
    }

    private static <T> void roundTrip(String text, Function<String, T> parse) {
        T id;
        try {
            id = parse.apply(text);
        } catch (IllegalArgumentException e) {
            assertRefusal(e);
            return;
        }
        String canonical = id.toString();
        assertThat(canonical).isEqualTo(text.toLowerCase(Locale.ROOT));
        assertThat(parse.apply(canonical)).isEqualTo(id);
        assertThat(parse.apply(canonical).toString()).isEqualTo(canonical);
    }

    private static void assertRefusal(IllegalArgumentException e) {
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS);
        assertThat(e.getMessage().chars().noneMatch(Character::isISOControl))
                .as("one line: %s", e.getMessage())
                .isTrue();
    }
}

package dev.vyoma.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.vyoma.testkit.Seeds;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BIP-173's test vectors, the limits, the error messages, and seeded round trips of {@link Bech32}. */
class Bech32Test {
    /** Cases per property; {@code -Dtest.cases=N} runs more. */
    private static final int CASES = Integer.getInteger("test.cases", 500);

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    static Stream<String> validVectors() {
        return Stream.of(
                "A12UEL5L",
                "a12uel5l",
                "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
                "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
                "?1ezyfcl");
    }

    static Stream<Arguments> invalidVectors() {
        return Stream.of(
                Arguments.of("\u00201nwldj5", "invalid character U+0020 at position 0"),
                Arguments.of("\u007f1axkwrx", "invalid character U+007F at position 0"),
                Arguments.of("\u00801eym55h", "invalid character U+0080 at position 0"),
                Arguments.of(
                        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
                        "too long: 91 characters, at most 90"),
                Arguments.of("pzry9x0s0muk", "no separator '1' between the prefix and the data"),
                Arguments.of("1pzry9x0s0muk", "empty prefix before the separator '1'"),
                Arguments.of("x1b4n0q5v", "invalid character 'b' at position 2"),
                Arguments.of(
                        "li1dgmt3", "too short: the data after '1' ends in a 6-character checksum, got 5 characters"),
                Arguments.of("de1lg7wt\u00ff", "invalid character U+00FF at position 8"),
                // The checksum was computed over the uppercase HRP; it must be over the lowercase form.
                Arguments.of("A1G7SGD8", "checksum does not match; the address has a typo"),
                Arguments.of("10a06t8", "empty prefix before the separator '1'"),
                Arguments.of("1qzzfhee", "empty prefix before the separator '1'"),
                Arguments.of("a12UEL5L", "mixed case: write it all in lowercase or all in uppercase"));
    }

    @ParameterizedTest
    @MethodSource("validVectors")
    void validVectorsDecodeAndEncodeBackToTheirLowercaseForm(String text) {
        Bech32.Decoded decoded = Bech32.decode(text);

        assertThat(Bech32.encodeWords(decoded.hrp(), decoded.words())).isEqualTo(text.toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest
    @MethodSource("validVectors")
    void changingAnyOneCharacterOfAValidVectorBreaksItsChecksum(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf('1');
        for (int i = 0; i < lower.length(); i++) {
            if (i == separator) {
                continue;
            }
            String changed = lower.substring(0, i) + other(lower.charAt(i)) + lower.substring(i + 1);
            assertThatIllegalArgumentException()
                    .as(changed)
                    .isThrownBy(() -> Bech32.decode(changed))
                    .withMessage("checksum does not match; the address has a typo");
        }
    }

    @ParameterizedTest
    @MethodSource("invalidVectors")
    void invalidVectorsAreRejectedWithAMessageSayingWhy(String text, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.decode(text))
                .withMessage(message);
    }

    @Test
    void theLengthLimitIsNinetyCharacters() {
        String atLimit = Bech32.encodeWords("a", new byte[Bech32.MAX_LENGTH - 1 - 1 - Bech32.CHECKSUM_LENGTH]);
        assertThat(atLimit).hasSize(Bech32.MAX_LENGTH);
        assertThat(Bech32.decode(atLimit).hrp()).isEqualTo("a");

        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        Bech32.encodeWords("ab", new byte[Bech32.MAX_LENGTH - 2 - 1 - Bech32.CHECKSUM_LENGTH + 1]))
                .withMessage("too long: 91 characters, at most 90");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.decode(atLimit + "q"))
                .withMessage("too long: 91 characters, at most 90");
    }

    @Test
    void theHrpIsOneToEightyThreeCharactersOfPrintableAsciiWithoutUppercase() {
        String longest = "a".repeat(Bech32.MAX_HRP_LENGTH);
        assertThat(Bech32.decode(Bech32.encodeWords(longest, new byte[0])).hrp())
                .isEqualTo(longest);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.encodeWords(longest + "a", new byte[0]))
                .withMessage("prefix must be 1 to 83 characters, got 84");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.encodeWords("", new byte[0]))
                .withMessage("prefix must be 1 to 83 characters, got 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.encodeWords("Vyoma", new byte[0]))
                .withMessage("invalid character 'V' in the prefix at position 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.encodeWords("vy oma", new byte[0]))
                .withMessage("invalid character U+0020 in the prefix at position 2");
    }

    @Test
    void wordsAreFiveBitValues() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.encodeWords("a", new byte[] {0, 32}))
                .withMessage("word at index 1 is 32; bech32 words are 0 to 31");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.fromWords(new byte[] {-1}))
                .withMessage("word at index 0 is -1; bech32 words are 0 to 31");
    }

    @Test
    void paddingMustBeUnderFiveBitsAndZero() {
        assertThat(Bech32.toWords(new byte[] {(byte) 0xff})).containsExactly(31, 28);
        assertThat(Bech32.fromWords(new byte[] {31, 28})).containsExactly(0xff);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.fromWords(new byte[] {31, 29}))
                .withMessage("invalid padding: the 2 bits after the last byte are not zero");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.fromWords(new byte[] {0}))
                .withMessage("invalid padding: 5 bits left over after the last byte, at most 4");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Bech32.fromWords(new byte[] {0, 0, 0}))
                .withMessage("invalid padding: 7 bits left over after the last byte, at most 4");
    }

    @Test
    void randomWordsRoundTripInEitherCase() {
        long seed = Seeds.seed("Bech32Test.randomWordsRoundTripInEitherCase");
        SplittableRandom random = Seeds.random(seed);
        for (int i = 0; i < CASES; i++) {
            String hrp = randomHrp(random);
            byte[] words = new byte[random.nextInt(Bech32.MAX_LENGTH - hrp.length() - 1 - Bech32.CHECKSUM_LENGTH + 1)];
            for (int w = 0; w < words.length; w++) {
                words[w] = (byte) random.nextInt(32);
            }
            String encoded = Bech32.encodeWords(hrp, words);
            Bech32.Decoded expected = new Bech32.Decoded(hrp, words);

            assertThat(Bech32.decode(encoded))
                    .as(Seeds.replay("randomWordsRoundTrip", seed))
                    .isEqualTo(expected);
            assertThat(Bech32.decode(encoded.toUpperCase(Locale.ROOT)))
                    .as(Seeds.replay("randomWordsRoundTrip", seed))
                    .isEqualTo(expected);
        }
    }

    @Test
    void randomBytesRoundTrip() {
        long seed = Seeds.seed("Bech32Test.randomBytesRoundTrip");
        SplittableRandom random = Seeds.random(seed);
        for (int i = 0; i < CASES; i++) {
            // "vyoma1", the checksum and up to 48 bytes in 77 words fit in 90 characters.
            byte[] bytes = new byte[random.nextInt(49)];
            random.nextBytes(bytes);

            assertThat(Bech32.fromWords(Bech32.toWords(bytes)))
                    .as(Seeds.replay("randomBytesRoundTrip", seed))
                    .isEqualTo(bytes);
            assertThat(Bech32.decode(Bech32.encode("vyoma", bytes)).bytes())
                    .as(Seeds.replay("randomBytesRoundTrip", seed))
                    .isEqualTo(bytes);
        }
    }

    @Test
    void oneOrTwoChangedDataCharactersAreAlwaysCaught() {
        long seed = Seeds.seed("Bech32Test.oneOrTwoChangedDataCharactersAreAlwaysCaught");
        SplittableRandom random = Seeds.random(seed);
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = new byte[1 + random.nextInt(40)];
            random.nextBytes(bytes);
            char[] chars = Bech32.encode("vyoma", bytes).toCharArray();
            int dataStart = "vyoma1".length();
            int first = dataStart + random.nextInt(chars.length - dataStart);
            chars[first] = other(chars[first], random);
            int second = dataStart + random.nextInt(chars.length - dataStart);
            if (second != first && random.nextBoolean()) {
                chars[second] = other(chars[second], random);
            }
            String changed = new String(chars);

            assertThatIllegalArgumentException()
                    .as(Seeds.replay("oneOrTwoChangedDataCharactersAreAlwaysCaught", seed) + ": " + changed)
                    .isThrownBy(() -> Bech32.decode(changed))
                    .withMessage("checksum does not match; the address has a typo");
        }
    }

    @Test
    void decodedCopiesItsWords() {
        byte[] words = {1, 2, 3};
        Bech32.Decoded decoded = new Bech32.Decoded("a", words);
        words[0] = 9;
        decoded.words()[1] = 9;

        assertThat(decoded.words()).containsExactly(1, 2, 3);
    }

    private static String randomHrp(SplittableRandom random) {
        StringBuilder hrp = new StringBuilder();
        int length = 1 + random.nextInt(Bech32.MAX_HRP_LENGTH);
        while (hrp.length() < length) {
            char c = (char) (33 + random.nextInt(126 - 33 + 1));
            if (c < 'A' || c > 'Z') {
                hrp.append(c);
            }
        }
        return hrp.toString();
    }

    /** The next character of the bech32 alphabet after {@code c}, or its first when {@code c} is not in it. */
    private static char other(char c) {
        return CHARSET.charAt((CHARSET.indexOf(c) + 1) % CHARSET.length());
    }

    private static char other(char c, SplittableRandom random) {
        return CHARSET.charAt((CHARSET.indexOf(c) + 1 + random.nextInt(CHARSET.length() - 1)) % CHARSET.length());
    }
}

package dev.vyoma.ledger.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * BIP-173 bech32 (the original checksum, not bech32m): a human-readable part (HRP), the separator {@code 1},
 * data as 5-bit words, one per character, and a six-character checksum that catches any typo of up to four
 * characters.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose one-line message says what is wrong; positions in
 * them count characters of the input from 0.
 */
public final class Bech32 {
    /** The longest bech32 string, in characters, that BIP-173 allows. */
    public static final int MAX_LENGTH = 90;
    /** The length of the checksum at the end of the data part, in characters. */
    public static final int CHECKSUM_LENGTH = 6;
    /** The longest HRP: what {@link #MAX_LENGTH} leaves beside the separator and the checksum. */
    public static final int MAX_HRP_LENGTH = MAX_LENGTH - 1 - CHECKSUM_LENGTH;
    /** The character between the HRP and the data; the last {@code 1} in a string, since the HRP may hold one. */
    public static final char SEPARATOR = '1';

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final int LOWEST_CHAR = 33;
    private static final int HIGHEST_CHAR = 126;

    private Bech32() {}

    /** A decoded bech32 string: its HRP in lowercase and its data words (0 to 31), checksum removed. */
    // The words are copied in and out and compared, hashed and printed by content.
    @SuppressWarnings("ArrayRecordComponent")
    public record Decoded(String hrp, byte[] words) {
        public Decoded {
            Objects.requireNonNull(hrp, "hrp");
            words = words.clone();
        }

        @Override
        public byte[] words() {
            return words.clone();
        }

        /** The data as 8-bit bytes; see {@link Bech32#fromWords(byte[])}. */
        public byte[] bytes() {
            return fromWords(words);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Decoded that && hrp.equals(that.hrp) && Arrays.equals(words, that.words);
        }

        @Override
        public int hashCode() {
            return 31 * hrp.hashCode() + Arrays.hashCode(words);
        }

        @Override
        public String toString() {
            return "Decoded[hrp=" + hrp + ", words=" + Arrays.toString(words) + "]";
        }
    }

    /** The bech32 string, in lowercase, for {@code hrp} and the 8-bit {@code bytes}. */
    public static String encode(String hrp, byte[] bytes) {
        return encodeWords(hrp, toWords(bytes));
    }

    /** The bech32 string, in lowercase, for {@code hrp} and the 5-bit {@code words}. */
    public static String encodeWords(String hrp, byte[] words) {
        checkHrp(hrp);
        for (int i = 0; i < words.length; i++) {
            checkWord(words, i);
        }
        int length = hrp.length() + 1 + words.length + CHECKSUM_LENGTH;
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException(tooLong(length));
        }
        byte[] withChecksum = Arrays.copyOf(words, words.length + CHECKSUM_LENGTH);
        int mod = polymod(hrp, withChecksum) ^ 1;
        StringBuilder out = new StringBuilder(length).append(hrp).append(SEPARATOR);
        for (byte word : words) {
            out.append(CHARSET.charAt(word));
        }
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            out.append(CHARSET.charAt((mod >>> (5 * (CHECKSUM_LENGTH - 1 - i))) & 31));
        }
        return out.toString();
    }

    /** Decodes {@code text}, all lowercase or all uppercase, and verifies its checksum. */
    public static Decoded decode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(tooLong(text.length()));
        }
        checkCharactersAndCase(text);
        String lower = text.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("no separator '1' between the prefix and the data");
        }
        if (separator == 0) {
            throw new IllegalArgumentException("empty prefix before the separator '1'");
        }
        int dataLength = lower.length() - separator - 1;
        if (dataLength < CHECKSUM_LENGTH) {
            throw new IllegalArgumentException("too short: the data after '1' ends in a " + CHECKSUM_LENGTH
                    + "-character checksum, got " + dataLength + " characters");
        }
        byte[] data = new byte[dataLength];
        for (int i = 0; i < dataLength; i++) {
            int position = separator + 1 + i;
            int value = CHARSET.indexOf(lower.charAt(position));
            if (value < 0) {
                throw new IllegalArgumentException(
                        "invalid character " + describe(text.charAt(position)) + " at position " + position);
            }
            data[i] = (byte) value;
        }
        String hrp = lower.substring(0, separator);
        if (polymod(hrp, data) != 1) {
            throw new IllegalArgumentException("checksum does not match; the address has a typo");
        }
        return new Decoded(hrp, Arrays.copyOf(data, dataLength - CHECKSUM_LENGTH));
    }

    /** Regroups 8-bit {@code bytes} into 5-bit words, padding the last word with zero bits. */
    public static byte[] toWords(byte[] bytes) {
        byte[] words = new byte[(bytes.length * 8 + 4) / 5];
        int accumulator = 0;
        int bits = 0;
        int next = 0;
        for (byte b : bytes) {
            accumulator = (accumulator << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                words[next++] = (byte) ((accumulator >>> bits) & 31);
            }
        }
        if (bits > 0) {
            words[next] = (byte) ((accumulator << (5 - bits)) & 31);
        }
        return words;
    }

    /** Regroups 5-bit {@code words} into bytes; the padding left over must be under 5 bits, all zero. */
    public static byte[] fromWords(byte[] words) {
        byte[] bytes = new byte[words.length * 5 / 8];
        int accumulator = 0;
        int bits = 0;
        int next = 0;
        for (int i = 0; i < words.length; i++) {
            checkWord(words, i);
            accumulator = ((accumulator << 5) | words[i]) & 0xfff;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                bytes[next++] = (byte) (accumulator >>> bits);
            }
        }
        if (bits >= 5) {
            throw new IllegalArgumentException(
                    "invalid padding: " + bits + " bits left over after the last byte, at most 4");
        }
        if ((accumulator & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException(
                    "invalid padding: the " + bits + " bits after the last byte are not zero");
        }
        return bytes;
    }

    private static void checkHrp(String hrp) {
        Objects.requireNonNull(hrp, "hrp");
        if (hrp.isEmpty() || hrp.length() > MAX_HRP_LENGTH) {
            throw new IllegalArgumentException(
                    "prefix must be 1 to " + MAX_HRP_LENGTH + " characters, got " + hrp.length());
        }
        for (int i = 0; i < hrp.length(); i++) {
            char c = hrp.charAt(i);
            if (c < LOWEST_CHAR || c > HIGHEST_CHAR || (c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException(
                        "invalid character " + describe(c) + " in the prefix at position " + i);
            }
        }
    }

    private static void checkWord(byte[] words, int index) {
        if (words[index] < 0 || words[index] > 31) {
            throw new IllegalArgumentException(
                    "word at index " + index + " is " + words[index] + "; bech32 words are 0 to 31");
        }
    }

    private static void checkCharactersAndCase(String text) {
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < LOWEST_CHAR || c > HIGHEST_CHAR) {
                throw new IllegalArgumentException("invalid character " + describe(c) + " at position " + i);
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) {
            throw new IllegalArgumentException("mixed case: write it all in lowercase or all in uppercase");
        }
    }

    /** The BCH checksum state over the expanded HRP and {@code words}; 1 when the words end in a valid checksum. */
    private static int polymod(String hrp, byte[] words) {
        int checksum = 1;
        for (int i = 0; i < hrp.length(); i++) {
            checksum = step(checksum, hrp.charAt(i) >>> 5);
        }
        checksum = step(checksum, 0);
        for (int i = 0; i < hrp.length(); i++) {
            checksum = step(checksum, hrp.charAt(i) & 31);
        }
        for (byte word : words) {
            checksum = step(checksum, word);
        }
        return checksum;
    }

    private static int step(int checksum, int value) {
        int top = checksum >>> 25;
        int next = ((checksum & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < GENERATOR.length; i++) {
            if (((top >>> i) & 1) != 0) {
                next ^= GENERATOR[i];
            }
        }
        return next;
    }

    private static String tooLong(int length) {
        return "too long: " + length + " characters, at most " + MAX_LENGTH;
    }

    private static String describe(char c) {
        return c >= LOWEST_CHAR && c <= HIGHEST_CHAR ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}

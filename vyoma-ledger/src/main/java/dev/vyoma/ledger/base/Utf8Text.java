package dev.vyoma.ledger.base;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes a stranger sent, read as UTF-8 text strictly: an invalid sequence (an overlong form, an encoded surrogate,
 * a stray or cut-short sequence, a code point past U+10FFFF) is refused, never replaced or guessed at. Jackson's own
 * decoder reads some of them as other characters, so JSON from outside is decoded here first: what is checked is
 * then what was sent.
 */
public final class Utf8Text {
    private Utf8Text() {}

    /** The text of {@code bytes}; an {@link IllegalArgumentException} if they are not UTF-8. */
    public static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not valid UTF-8 text", e);
        }
    }
}

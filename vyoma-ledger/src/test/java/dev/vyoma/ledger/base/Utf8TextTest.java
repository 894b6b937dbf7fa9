package dev.vyoma.ledger.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {
    @Test
    void invalidSequencesAreRefusedNotReplaced() {
        byte[][] bad = {
            {'a', (byte) 0xF0, (byte) 0x8B, (byte) 0x8B, (byte) 0x93}, // an overlong four-byte form
            {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate encoded on its own
            {(byte) 0x80}, // a continuation byte with nothing before it
            {'x', (byte) 0xE2, (byte) 0x82}, // a sequence cut short
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xFF}, // never in UTF-8
        };
        for (byte[] b : bad) {
            assertThatThrownBy(() -> Utf8Text.decode(b))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not valid UTF-8 text");
        }
    }

    @Test
    void textIsReadAsItsCharacters() {
        for (String text : new String[] {"", "plain", "Bé 漢字 🙂", "\u0000\u007f\u0080\uffff"}) {
            assertThat(Utf8Text.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
        }
    }
}

package dev.vyoma.inference.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static byte[] body(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAsTheBodysMistake() {
        byte[][] bad = {
            {(byte) 0xF0, (byte) 0x8B, (byte) 0x8B, (byte) 0x93}, // an overlong four-byte form (what the fuzzer sent)
            {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate encoded on its own
            {(byte) 0x80}, // a continuation byte with nothing before it
            {(byte) 0xE2, (byte) 0x82}, // a sequence cut short
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
        };
        for (byte[] b : bad) {
            assertThatThrownBy(() -> Json.object(body("{\"content\":\"Be", b, "i\"}")))
                    .isInstanceOfSatisfying(ApiError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.code()).isEqualTo("invalid_json");
                        assertThat(e.getMessage()).contains("not valid UTF-8");
                    });
        }
    }

    @Test
    void utf8TextIsReadAsItsCharacters() {
        String text = "Bé 漢字 🙂";
        assertThat(Json.object(("{\"content\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8))
                        .path("content")
                        .asString())
                .isEqualTo(text);
    }
}

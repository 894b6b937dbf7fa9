package dev.vyoma.sdl.manifest;

import dev.vyoma.sdl.manifest.InvalidManifestException.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text into the trees {@link dev.vyoma.sdl.json.JsonWriter} writes ({@link Map} in key order, {@link
 * List}, {@link String}, {@link Long}, {@link Boolean}, {@code null}), refusing what a manifest never has and two
 * readers could read differently: invalid UTF-8, a key twice in one object, numbers that are not whole or do not
 * fit 64 bits, nesting deeper than {@link ManifestLimits#MAX_DEPTH}, and anything after the value.
 */
final class StrictJson {
    private final String text;
    private int at;

    private StrictJson(String text) {
        this.text = text;
    }

    /** The tree of {@code bytes}, UTF-8 JSON of at most {@link ManifestLimits#MAX_MANIFEST_BYTES}. */
    static Object read(byte[] bytes) throws InvalidManifestException {
        if (bytes.length > ManifestLimits.MAX_MANIFEST_BYTES) {
            throw new InvalidManifestException(
                    Problem.TOO_LARGE,
                    "the manifest is " + bytes.length + " bytes; at most " + ManifestLimits.MAX_MANIFEST_BYTES
                            + " are accepted");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidManifestException(Problem.NOT_JSON, "the manifest is not UTF-8 text");
        }
        StrictJson r = new StrictJson(text);
        r.space();
        Object value = r.value(0);
        r.space();
        if (r.at < text.length()) {
            throw r.fail("unexpected text after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws InvalidManifestException {
        if (depth > ManifestLimits.MAX_DEPTH) {
            throw fail("values nest deeper than " + ManifestLimits.MAX_DEPTH + " levels");
        }
        if (at >= text.length()) {
            throw fail("the JSON ends early");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw fail("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) throws InvalidManifestException {
        at++;
        Map<String, Object> out = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            at++;
            return out;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw fail("expected a key in quotes");
            }
            String key = string();
            space();
            expect(':');
            space();
            Object v = value(depth + 1);
            if (out.containsKey(key)) {
                throw fail("key \"" + key + "\" appears twice in one object");
            }
            out.put(key, v);
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    private List<Object> array(int depth) throws InvalidManifestException {
        at++;
        List<Object> out = new ArrayList<>();
        space();
        if (peek(']')) {
            at++;
            return out;
        }
        while (true) {
            space();
            out.add(value(depth + 1));
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    private String string() throws InvalidManifestException {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw fail("a string is not closed");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw fail("a control character inside a string; escape it");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw fail("a string is not closed");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw fail("a \\u escape needs four hex digits");
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(text.charAt(at++), 16);
                        if (d < 0) {
                            throw fail("a \\u escape needs four hex digits");
                        }
                        v = v * 16 + d;
                    }
                    out.append((char) v);
                }
                default -> throw fail("unknown escape \\" + e);
            }
        }
    }

    private Long number() throws InvalidManifestException {
        int start = at;
        if (peek('-')) {
            at++;
        }
        int digits = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at == digits) {
            throw fail("a number needs digits");
        }
        if (text.charAt(digits) == '0' && at - digits > 1) {
            throw fail("a number may not start with 0");
        }
        if (at < text.length() && (peek('.') || peek('e') || peek('E'))) {
            throw fail("numbers in a manifest are whole numbers, without fraction or exponent");
        }
        try {
            return Long.parseLong(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw fail("the number " + text.substring(start, at) + " is too large");
        }
    }

    private Object literal(String word, Object value) throws InvalidManifestException {
        if (!text.startsWith(word, at)) {
            throw fail("unexpected text; expected " + word);
        }
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) throws InvalidManifestException {
        if (!peek(c)) {
            throw fail(at >= text.length() ? "the JSON ends early" : "expected '" + c + "'");
        }
        at++;
    }

    private InvalidManifestException fail(String what) {
        return new InvalidManifestException(
                Problem.NOT_JSON, "the manifest is not valid JSON at character " + at + ": " + what);
    }
}

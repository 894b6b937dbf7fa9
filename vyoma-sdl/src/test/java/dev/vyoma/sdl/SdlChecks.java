package dev.vyoma.sdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Assertions shared by the randomized and limit tests: every call to {@link Sdl#parse} goes through
 * here, so an exception escaping the parser fails the test with the caller's replay line instead of a
 * bare stack trace, and every result is checked for clean, one-line errors.
 */
final class SdlChecks {
    private SdlChecks() {}

    /** What a valid document produces, compared across parses. */
    record Output(String hash, String groups, String manifest) {
        static Output of(SdlDocument d) {
            return new Output(
                    d.manifestVersion().hex(),
                    JsonWriter.compact(AkashJson.groupSpecs(d.groups())),
                    JsonWriter.compact(AkashJson.manifest(d.manifest())));
        }
    }

    static SdlResult parse(byte[] bytes, String source, SdlLimits limits, Supplier<String> why) {
        try {
            return Sdl.parse(bytes, source, limits);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(why.get() + "\nSdl.parse(byte[]) threw " + e, e);
        }
    }

    static SdlResult parse(byte[] bytes, String source, Supplier<String> why) {
        return parse(bytes, source, SdlLimits.DEFAULT, why);
    }

    static SdlResult parse(String text, String source, Supplier<String> why) {
        try {
            return Sdl.parse(text, source);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(why.get() + "\nSdl.parse(String) threw " + e, e);
        }
    }

    /**
     * The result names {@code source}, and every error and warning has that source, a non-empty one-line
     * message with no trace of an exception, and a sane position.
     */
    static void assertClean(SdlResult result, String source, Supplier<String> why) {
        assertEquals(source, result.source(), () -> why.get() + "\nresult source");
        List<SdlError> all = new ArrayList<>(result.errors());
        all.addAll(result.warnings());
        for (SdlError e : all) {
            Supplier<String> at = () -> why.get() + "\nproblem: " + e.format();
            assertEquals(source, e.source(), at);
            assertFalse(e.message().isBlank(), at);
            assertFalse(
                    e.message().contains("\n") || e.message().contains("\r"),
                    () -> at.get() + "\nmessage has a line break");
            assertFalse(e.message().contains("Exception"), () -> at.get() + "\nmessage names an exception");
            assertFalse(
                    e.message().contains("at dev.")
                            || e.message().contains("at java.")
                            || e.message().contains("at org."),
                    () -> at.get() + "\nmessage has a stack trace");
            assertTrue(e.line() >= 0 && e.column() >= 0, at);
            assertTrue(e.line() > 0 || e.column() == 0, at);
        }
    }

    /** A valid result with no errors; returns its document. */
    static SdlDocument assertValid(SdlResult result, Supplier<String> why) {
        if (result instanceof SdlResult.Invalid invalid) {
            fail(why.get() + "\nexpected a valid SDL, got errors:\n  "
                    + String.join(
                            "\n  ",
                            invalid.errors().stream().map(SdlError::format).toList()));
        }
        assertTrue(result.errors().isEmpty(), why);
        return result.document();
    }

    /** An invalid result. */
    static SdlResult.Invalid assertInvalid(SdlResult result, Supplier<String> why) {
        return assertInstanceOf(SdlResult.Invalid.class, result, () -> why.get() + "\nexpected an invalid SDL");
    }

    /** Some error of an invalid result satisfies {@code naming}, described as {@code what}. */
    static void assertSomeError(SdlResult result, Predicate<SdlError> naming, String what, Supplier<String> why) {
        SdlResult.Invalid invalid = assertInvalid(result, why);
        assertTrue(
                invalid.errors().stream().anyMatch(naming),
                () -> why.get() + "\nno error " + what + "; errors:\n  "
                        + String.join(
                                "\n  ",
                                invalid.errors().stream().map(SdlError::format).toList()));
    }

    /** The last segment of an error path without its list index: {@code port} for {@code ...expose[0].port}. */
    static String lastField(SdlError e) {
        String path = e.path();
        String last = path.substring(path.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    /** Whether the error's path ends at {@code field} (ignoring a trailing list index). */
    static Predicate<SdlError> atField(String field) {
        return e -> lastField(e).equals(field);
    }

    /** Whether the error's path ends at {@code field} or its message mentions {@code word}. */
    static Predicate<SdlError> atFieldOrSays(String field, String word) {
        return e -> lastField(e).equals(field) || e.message().contains(word);
    }

    /** Shorthand for a map key lookup in a JSON or SDL tree. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** Shorthand for a list in a JSON or SDL tree. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** The value at {@code keys} (map keys or list indexes) below {@code tree}. */
    static Object at(Object tree, Object... keys) {
        Object node = tree;
        for (Object k : keys) {
            node = k instanceof Integer i ? list(node).get(i) : map(node).get(k);
        }
        return node;
    }
}

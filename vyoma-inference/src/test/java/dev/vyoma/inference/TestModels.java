package dev.vyoma.inference;

import dev.vyoma.inference.model.TinyGguf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny random-weight model, generated once per test JVM into a temporary directory removed at exit. */
public final class TestModels {
    private static Path tiny;

    private TestModels() {}

    /** The model file (seed 42). */
    public static synchronized Path tiny() {
        if (tiny == null) {
            try {
                Path dir = Files.createTempDirectory("vyoma-tiny-model");
                tiny = TinyGguf.write(dir.resolve("tiny.gguf"), 42);
                tiny.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tiny;
    }
}

package dev.vyoma.sdl;

import dev.vyoma.sdl.read.SdlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Akash SDL files. Every method returns a {@link SdlResult}: either the built {@link SdlDocument}
 * or all the errors in the file, each with line, column and field path. Reading never throws for bad
 * input; only an unreadable file ({@link #parse(Path)}) throws.
 *
 * <pre>{@code
 * SdlResult result = Sdl.parse(Path.of("web.yaml"));
 * if (result instanceof SdlResult.Valid v) {
 *     byte[] hash = v.document().manifestVersion().bytes();
 * } else {
 *     result.errors().forEach(e -> System.err.println(e.format()));
 * }
 * }</pre>
 */
public final class Sdl {
    private Sdl() {}

    /** Reads SDL from bytes (UTF-8); {@code source} names it in errors. */
    public static SdlResult parse(byte[] bytes, String source) {
        return parse(bytes, source, SdlLimits.DEFAULT);
    }

    /** Reads SDL from bytes with explicit limits. */
    public static SdlResult parse(byte[] bytes, String source, SdlLimits limits) {
        return new SdlReader(limits).read(bytes, source);
    }

    /** Reads SDL from text; {@code source} names it in errors. */
    public static SdlResult parse(String text, String source) {
        return new SdlReader(SdlLimits.DEFAULT).read(text, source);
    }

    /** Reads an SDL file; errors name it by its file name. */
    public static SdlResult parse(Path file) throws IOException {
        long size = Files.size(file);
        String name = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        if (size > SdlLimits.DEFAULT.maxBytes()) {
            // Report without reading a huge file into memory.
            return new SdlReader(SdlLimits.DEFAULT).tooLarge(size, name);
        }
        return parse(Files.readAllBytes(file), name);
    }
}

package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.yaml.Mark;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YamlException;
import dev.vyoma.sdl.yaml.YamlReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Runs the pipeline on one file's bytes: text checks, YAML, decode, validate, build. */
public final class SdlReader {
    private final SdlLimits limits;

    public SdlReader(SdlLimits limits) {
        this.limits = limits;
    }

    public SdlResult read(byte[] bytes, String source) {
        Problems problems = new Problems(source);
        String text = text(bytes, problems);
        if (text == null) {
            return invalid(problems);
        }
        return read(text, source, problems);
    }

    public SdlResult read(String text, String source) {
        Problems problems = new Problems(source);
        long bytes = utf8Length(text);
        if (bytes > limits.maxBytes()) {
            reportTooLarge(bytes, problems);
            return invalid(problems);
        }
        return read(text.startsWith("\uFEFF") ? text.substring(1) : text, source, problems);
    }

    private SdlResult read(String text, String source, Problems problems) {
        if (text.isBlank()) {
            problems.fileError("is empty; an SDL starts with version: \"2.0\"");
            return invalid(problems);
        }
        Optional<YNode> root;
        try {
            root = new YamlReader(limits.maxDepth(), limits.maxNodes()).read(text, source);
        } catch (YamlException e) {
            problems.error(Loc.ROOT.at(e.mark()), e.getMessage());
            return invalid(problems);
        }
        if (root.isEmpty()) {
            problems.fileError("has no content (only comments); an SDL starts with version: \"2.0\"");
            return invalid(problems);
        }
        SdlInput input;
        GroupBuilder.Built built;
        try {
            input = new InputDecoder(problems, limits).decode(root.get());
            if (input == null) {
                return invalid(problems);
            }
            new InputValidator(input, problems, limits).validate();
            if (problems.hasErrors()) {
                return invalid(problems);
            }
            built = new GroupBuilder(input).build();
            BuildInvariants.check(built);
        } catch (RuntimeException e) {
            // A bug of ours, never the user's: report it as one clean line rather than throwing
            // out of a parser that long-running services call on untrusted input.
            problems.fileError("internal error in the SDL parser (" + e + "); please report it with this file");
            return invalid(problems);
        }
        return new SdlResult.Valid(new SdlDocument(
                source,
                input.version(),
                built.groups(),
                built.manifest(),
                built.manifest().version(),
                Optional.ofNullable(input.reclamation()).map(SdlInput.Reclamation::minWindow),
                problems.warnings()));
    }

    /** The result for a file of {@code size} bytes that is over the size limit, without reading it. */
    public SdlResult tooLarge(long size, String source) {
        Problems problems = new Problems(source);
        reportTooLarge(size, problems);
        return invalid(problems);
    }

    private void reportTooLarge(long size, Problems problems) {
        problems.fileError("is " + humanSize(size) + "; an SDL may be at most " + humanSize(limits.maxBytes()));
    }

    /** {@code 1 MiB}, {@code 9.5 MiB}, {@code 1000 bytes}: exact where it is whole, else one decimal. */
    static String humanSize(long bytes) {
        if (bytes >= 1 << 20) {
            return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : String.format("%.1f MiB", bytes / 1048576.0);
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + " KiB";
        }
        return bytes + " bytes";
    }

    private static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private String text(byte[] bytes, Problems problems) {
        if (bytes.length > limits.maxBytes()) {
            reportTooLarge(bytes.length, problems);
            return null;
        }
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        boolean ascii = true;
        for (int i = start; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == 0) {
                problems.fileError("is a binary file (it contains NUL bytes), not SDL text");
                return null;
            }
            if (b < 0) {
                ascii = false;
            }
        }
        if (ascii) {
            // Every byte below 0x80: valid UTF-8 as it stands, and the cheapest String to build.
            return new String(bytes, start, bytes.length - start, StandardCharsets.US_ASCII);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            int offset = firstInvalidUtf8(bytes, start);
            Mark mark = position(bytes, start, offset);
            problems.error(
                    Loc.ROOT.at(mark),
                    String.format(
                            "is not UTF-8 text (byte 0x%02x at offset %d); save the file as UTF-8",
                            bytes[offset] & 0xFF, offset));
            return null;
        }
    }

    private static int firstInvalidUtf8(byte[] bytes, int start) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : Math.max(start, bytes.length - 1);
    }

    private static Mark position(byte[] bytes, int start, int offset) {
        int line = 1;
        int lineStart = start;
        for (int i = start; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Mark(line, offset - lineStart + 1);
    }

    private static SdlResult invalid(Problems problems) {
        return new SdlResult.Invalid(problems.source(), problems.errors(), problems.warnings());
    }
}

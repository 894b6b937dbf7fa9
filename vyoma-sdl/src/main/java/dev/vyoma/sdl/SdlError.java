package dev.vyoma.sdl;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem in an SDL file: where it is (file, line, column, field path such as {@code
 * services.web.expose[0].port}) and a one-line message that says what to change. Line and column start
 * at 1; they are 0 for problems of the whole file.
 */
public record SdlError(String source, int line, int column, String path, String message) {
    /** Orders problems as they appear in the file. */
    public static final Comparator<SdlError> IN_FILE_ORDER = Comparator.comparingInt(SdlError::line)
            .thenComparingInt(SdlError::column)
            .thenComparing(SdlError::path)
            .thenComparing(SdlError::message);

    public SdlError {
        Objects.requireNonNull(source, "source");
        // The path and the message may quote the file (a key, a value), and a file is anyone's text: each stays on
        // one line, so an error can neither forge a line of the report nor send control codes to a terminal.
        path = oneLine(Objects.requireNonNull(path, "path"));
        message = oneLine(Objects.requireNonNull(message, "message"));
    }

    private static String oneLine(String s) {
        if (s.chars().noneMatch(Character::isISOControl)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /** {@code web.yaml:12:9 services.web.expose[0].port: must be 1–65535, got 70000}. */
    public String format() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        } else {
            sb.append(':');
        }
        sb.append(' ');
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}

package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the errors and warnings of one file, without duplicates, for reporting in file order. */
public final class Problems {
    private final String source;
    private final Set<SdlError> errors = new LinkedHashSet<>();
    private final Set<SdlError> warnings = new LinkedHashSet<>();

    public Problems(String source) {
        this.source = source;
    }

    /** Records an error at {@code loc}. */
    public void error(Loc loc, String message) {
        errors.add(problem(loc, message));
    }

    /** Records an error about the whole file (no position). */
    public void fileError(String message) {
        errors.add(new SdlError(source, 0, 0, "", oneLine(message)));
    }

    /** Records a warning at {@code loc}. */
    public void warning(Loc loc, String message) {
        warnings.add(problem(loc, message));
    }

    private SdlError problem(Loc loc, String message) {
        return new SdlError(source, loc.mark().line(), loc.mark().column(), oneLine(loc.path()), oneLine(message));
    }

    /**
     * Keys and values are quoted into messages as written; line breaks and other control characters in
     * them are shown escaped so that every problem stays one line.
     */
    static String oneLine(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\u2028', '\u2029', '\u0085' -> String.format("\\u%04x", (int) c);
                default -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : null;
            };
            if (escape != null && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                if (escape != null) {
                    sb.append(escape);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Takes over the errors and warnings recorded in {@code other}. */
    public void addAll(Problems other) {
        errors.addAll(other.errors);
        warnings.addAll(other.warnings);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int errorCount() {
        return errors.size();
    }

    public String source() {
        return source;
    }

    /** Errors in file order. */
    public List<SdlError> errors() {
        List<SdlError> out = new ArrayList<>(errors);
        out.sort(SdlError.IN_FILE_ORDER);
        return out;
    }

    /** Warnings in file order. */
    public List<SdlError> warnings() {
        List<SdlError> out = new ArrayList<>(warnings);
        out.sort(SdlError.IN_FILE_ORDER);
        return out;
    }
}

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
        errors.add(new SdlError(source, loc.mark().line(), loc.mark().column(), loc.path(), message));
    }

    /** Records an error about the whole file (no position). */
    public void fileError(String message) {
        errors.add(new SdlError(source, 0, 0, "", message));
    }

    /** Records a warning at {@code loc}. */
    public void warning(Loc loc, String message) {
        warnings.add(new SdlError(source, loc.mark().line(), loc.mark().column(), loc.path(), message));
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

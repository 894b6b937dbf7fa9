package dev.vyoma.sdl;

import java.util.List;

/** The outcome of reading one SDL: a built document, or every error found in the file. */
public sealed interface SdlResult {
    /** The file's name as given to the parser. */
    String source();

    /** Warnings (things Akash accepts that are probably mistakes); empty when there are none. */
    List<SdlError> warnings();

    /** A valid SDL. */
    record Valid(SdlDocument document) implements SdlResult {
        @Override
        public String source() {
            return document.source();
        }

        @Override
        public List<SdlError> warnings() {
            return document.warnings();
        }
    }

    /** An invalid SDL; {@code errors} is never empty and is in file order. */
    record Invalid(String source, List<SdlError> errors, List<SdlError> warnings) implements SdlResult {
        public Invalid {
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one error");
            }
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    /** Whether the file is valid. */
    default boolean isValid() {
        return this instanceof Valid;
    }

    /** The document of a valid result. */
    default SdlDocument document() {
        if (this instanceof Valid v) {
            return v.document();
        }
        throw new IllegalStateException(source() + " is not a valid SDL");
    }

    /** The errors of an invalid result; empty for a valid one. */
    default List<SdlError> errors() {
        return this instanceof Invalid i ? i.errors() : List.of();
    }
}

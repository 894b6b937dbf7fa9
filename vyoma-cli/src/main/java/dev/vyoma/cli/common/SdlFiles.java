package dev.vyoma.cli.common;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlError;
import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.SdlResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads SDL files named on the command line; {@code -} is standard input. */
public final class SdlFiles {
    public static final String STDIN = "-";

    private SdlFiles() {}

    /** Parses one argument; an unreadable file is a {@link UserException}. */
    public static SdlResult parse(String argument, InputStream stdin) {
        if (argument.equals(STDIN)) {
            try {
                byte[] bytes = stdin.readNBytes(SdlLimits.DEFAULT.maxBytes() + 1);
                return Sdl.parse(bytes, "<stdin>");
            } catch (IOException e) {
                throw new UserException("cannot read standard input: " + e.getMessage(), e);
            }
        }
        Path path = Path.of(argument);
        if (Files.isDirectory(path)) {
            throw new UserException(argument + " is a directory; name SDL files, e.g. " + argument + "/*.yaml");
        }
        try {
            // Errors name the file as the user typed it, so that editors and terminals can jump to it.
            long size = Files.size(path);
            if (size > SdlLimits.DEFAULT.maxBytes()) {
                return new dev.vyoma.sdl.read.SdlReader(SdlLimits.DEFAULT).tooLarge(size, argument);
            }
            return Sdl.parse(Files.readAllBytes(path), argument);
        } catch (NoSuchFileException e) {
            throw new UserException("cannot read " + argument + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserException("cannot read " + argument + ": permission denied");
        } catch (IOException e) {
            throw new UserException("cannot read " + argument + ": " + e.getMessage(), e);
        }
    }

    /** The document of a valid file; for an invalid one prints its errors and fails with exit code 1. */
    public static SdlDocument requireValid(String argument, InputStream stdin, PrintWriter err) {
        SdlResult result = parse(argument, stdin);
        for (SdlError w : result.warnings()) {
            err.println("warning: " + w.format());
        }
        if (result instanceof SdlResult.Invalid invalid) {
            for (SdlError e : invalid.errors()) {
                err.println(e.format());
            }
            err.flush();
            throw new UserException(errorCount(invalid.errors().size()) + " in " + invalid.source());
        }
        err.flush();
        return result.document();
    }

    public static String errorCount(int n) {
        return n == 1 ? "1 error" : n + " errors";
    }
}

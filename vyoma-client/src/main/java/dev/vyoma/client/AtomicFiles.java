package dev.vyoma.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;

/**
 * Replaces a file whole: the content goes into a new temporary file beside it, which is then renamed over it
 * (atomically where the file system can), so a reader or a crash sees the old content or the new, never half, and
 * two writers never share a temporary file. The new file is readable by its owner only unless {@code attributes}
 * say otherwise (the JDK creates temporary files so).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Replaces {@code file} (its directory must exist) with {@code content}. */
    public static void replace(Path file, byte[] content, FileAttribute<?>... attributes) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".new-", ".tmp", attributes);
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Replaces {@code file} (its directory must exist) with {@code content} in UTF-8. */
    public static void replace(Path file, String content, FileAttribute<?>... attributes) throws IOException {
        replace(file, content.getBytes(StandardCharsets.UTF_8), attributes);
    }
}

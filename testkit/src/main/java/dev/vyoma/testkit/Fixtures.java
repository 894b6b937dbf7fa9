package dev.vyoma.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's shared fixtures: {@code ../shared/conformance} beside the repository, as CI lays
 * it out. The build passes the path as system property {@code vyoma.conformance}; a missing directory
 * fails the test that needs it with a message that says where it looked.
 */
public final class Fixtures {
    private Fixtures() {}

    /** The root of the shared conformance fixtures. */
    public static Path conformance() {
        String configured = System.getProperty("vyoma.conformance");
        Path path = configured != null ? Path.of(configured) : Path.of("..", "shared", "conformance");
        path = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("conformance fixtures not found at " + path
                    + "; they live in ../shared/conformance beside the repository (set -Dvyoma.conformance=DIR)");
        }
        return path;
    }

    /** Akash's SDL fixtures: {@code input/}, {@code output-fixtures/}. */
    public static Path akashSdl() {
        return conformance().resolve("akash-sdl");
    }

    /** The repository root. */
    public static Path repositoryRoot() {
        String configured = System.getProperty("vyoma.root");
        return (configured != null ? Path.of(configured) : Path.of(".."))
                .toAbsolutePath()
                .normalize();
    }

    /**
     * The minimal SDL the tests deploy: the repository's {@code examples/web.yaml} (one nginx service, port 80
     * reachable from the internet, 0.5 CPU, 1000 uusd a block), the same file a user starts from.
     */
    public static Path webSdlFile() {
        return repositoryRoot().resolve("examples/web.yaml");
    }

    /** The text of {@link #webSdlFile()}. */
    public static String webSdl() {
        Path file = webSdlFile();
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the minimal SDL " + file + " (set -Dvyoma.root=REPOSITORY)", e);
        }
    }
}

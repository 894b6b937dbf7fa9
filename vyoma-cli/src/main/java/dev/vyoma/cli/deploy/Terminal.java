package dev.vyoma.cli.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This process's terminal in raw mode for a remote terminal ({@code vyoma deploy shell -t}): keys go to the remote
 * command as they are typed (Ctrl-C included), and nothing is echoed twice; closing restores the settings it had.
 * Without a terminal (stdin redirected) or without {@code stty}, nothing changes and the size is unknown (0).
 */
final class Terminal implements AutoCloseable {
    /** No terminal: nothing to restore. */
    static final Terminal NONE = new Terminal(null, 0, 0);

    private final String saved;
    private final int columns;
    private final int rows;

    private Terminal(String saved, int columns, int rows) {
        this.saved = saved;
        this.columns = columns;
        this.rows = rows;
    }

    /** Puts the terminal in raw mode, if there is one. */
    static Terminal raw() {
        if (dev.vyoma.cli.common.ClientOptions.terminal() == null) {
            return NONE;
        }
        try {
            String saved = stty("-g").strip();
            String[] size = stty("size").strip().split("\\s+", -1);
            stty("raw", "-echo");
            return new Terminal(saved, Integer.parseInt(size[1]), Integer.parseInt(size[0]));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    int columns() {
        return columns;
    }

    int rows() {
        return rows;
    }

    private static String stty(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Restores the terminal's settings. */
    @Override
    public void close() {
        if (saved != null) {
            try {
                stty(saved);
            } catch (IOException e) {
                System.err.println("vyoma: cannot restore the terminal; run stty sane");
            }
        }
    }
}

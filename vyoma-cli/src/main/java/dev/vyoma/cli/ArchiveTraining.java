package dev.vyoma.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The training run of the command line's class-data archive ({@code bin/vyoma} builds it with the jar): runs the
 * short commands people run most, in one JVM, so that the archive holds the classes they load. Their output is
 * dropped; a command that fails (the query, which finds no node) still loads what its path needs.
 *
 * <p>Usage: {@code java -XX:ArchiveClassesAtExit=vyoma.jsa -cp vyoma.jar dev.vyoma.cli.ArchiveTraining EXAMPLES}.
 */
public final class ArchiveTraining {
    private ArchiveTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ArchiveTraining EXAMPLES_DIR");
            System.exit(Main.USAGE);
        }
        String web = Path.of(args[0], "web.yaml").toString();
        Path home = Files.createTempDirectory("vyoma-training");
        String node = "http://127.0.0.1:" + closedPort();
        List<String[]> commands = List.of(
                new String[] {"--version"},
                new String[] {"--help"},
                new String[] {"sdl", "validate", web},
                new String[] {"sdl", "groups", web, "-o", "json"},
                new String[] {"sdl", "manifest", web, "-o", "yaml"},
                new String[] {"keys", "list", "--home", home.toString()},
                new String[] {"query", "status", "--node", node});
        PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream(), true, UTF_8);
        for (String[] command : commands) {
            Main.run(command, nowhere, nowhere);
        }
        try (var files = Files.walk(home)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** A loopback port nobody listens on (a query to it fails at once). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

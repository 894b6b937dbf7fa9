package dev.vyoma.cli.common;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a client command finds its keys and its node. */
public final class ClientOptions {
    /** Environment variable that gives the keyring passphrase to scripts. */
    public static final String PASSPHRASE_ENV = "VYOMA_KEYRING_PASSPHRASE";

    /** Environment variable that gives scripts the passphrase of an exported key. */
    public static final String EXPORT_PASSPHRASE_ENV = "VYOMA_EXPORT_PASSPHRASE";

    /** One reader for standard input, so that two passphrases piped in one after the other are both read. */
    private static BufferedReader stdin;

    private static java.io.InputStream stdinSource;

    @Option(names = "--home", description = "The client's home, which holds the keyring (default: ~/.vyoma).")
    Path home;

    @Option(
            names = "--keyring-backend",
            description = "file (encrypted with a passphrase) or test (unencrypted, for devnets); default: file.")
    String keyringBackend;

    @Option(names = "--node", description = "The node's API (default: http://127.0.0.1:1317).")
    String node;

    public Path home() {
        return home != null ? home : Path.of(System.getProperty("user.home"), ".vyoma");
    }

    public Keyring keyring() {
        String b = keyringBackend == null ? "file" : keyringBackend;
        return switch (b) {
            case "file" -> Keyring.open(home(), Keyring.Backend.FILE);
            case "test" -> Keyring.open(home(), Keyring.Backend.TEST);
            default -> throw new UserException("--keyring-backend is file or test, got " + b);
        };
    }

    /** The node's API URL: {@code --node}, or the local default. */
    public String nodeUrl() {
        return node != null ? node : "http://127.0.0.1:1317";
    }

    public VyomaClient client() {
        try {
            return new VyomaClient(nodeUrl());
        } catch (IllegalArgumentException e) {
            throw new UserException("--node: " + e.getMessage());
        }
    }

    /** The passphrase for the keyring, or null for the test backend. */
    public char[] passphrase(String prompt, boolean confirm) {
        if (keyring().backend() == Keyring.Backend.TEST) {
            return null;
        }
        return readPassphrase(prompt, confirm);
    }

    /** The passphrase of an export: from its own environment variable, a terminal, or standard input. */
    public static char[] readPassphraseFresh(String prompt) {
        return read(EXPORT_PASSPHRASE_ENV, prompt, false);
    }

    public static char[] readPassphrase(String prompt, boolean confirm) {
        return read(PASSPHRASE_ENV, prompt, confirm);
    }

    /**
     * The console when this process talks to a terminal, else null. From JDK 22 {@code System.console()} is never null
     * (input piped in included), so the JDK's own {@code isTerminal()} decides where it exists.
     */
    @SuppressWarnings("SystemConsoleNull") // checked beside isTerminal(): null is still the JDK 21 answer
    public static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (NoSuchMethodException e) {
            return console; // JDK 21: a console exists only at a terminal
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static synchronized char[] read(String variable, String prompt, boolean confirm) {
        String env = System.getenv(variable);
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        Console console = terminal();
        if (console != null) {
            char[] first = console.readPassword("%s: ", prompt);
            if (first == null) {
                throw new UserException("no passphrase given");
            }
            if (confirm) {
                char[] again = console.readPassword("Repeat the passphrase: ");
                if (again == null || !java.util.Arrays.equals(first, again)) {
                    throw new UserException("the passphrases differ");
                }
            }
            return first;
        }
        try {
            if (stdin == null || stdinSource != System.in) {
                stdinSource = System.in;
                stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            }
            String line = stdin.readLine();
            if (line == null || line.isEmpty()) {
                throw new UserException("no passphrase: set " + variable + ", type it at a terminal, or pipe it in");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new UserException("cannot read the passphrase: " + e.getMessage());
        }
    }

    /** The key named {@code name}, unlocked. */
    public KeyPair unlock(String name) {
        Keyring ring = keyring();
        try {
            ring.show(name);
            return ring.unlock(name, passphrase("Passphrase for " + name, false));
        } catch (NoSuchFileException e) {
            throw new UserException(e.getReason() != null ? e.getReason() : "no key named " + name);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        } catch (IOException e) {
            throw new UserException("cannot read the keyring: " + e.getMessage());
        }
    }
}

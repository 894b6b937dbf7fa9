package dev.vyoma.cli.keys;

import dev.vyoma.cli.common.ClientCommand;
import dev.vyoma.cli.common.ClientOptions;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.Keyring;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma keys add|list|show|export|import|delete}. */
@Subcommands({
    KeysCommand.Add.class,
    KeysCommand.ListKeys.class,
    KeysCommand.Show.class,
    KeysCommand.Export.class,
    KeysCommand.Import.class,
    KeysCommand.Delete.class
})
@Command(
        name = "keys",
        description =
                "Manage account keys (encrypted with a passphrase; --keyring-backend test keeps them in the clear).")
public final class KeysCommand extends Group {
    private static Map<String, Object> row(Keyring.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("address", e.address().toString());
        m.put("backend", e.backend().name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    private static <T> T io(IoCall<T> call) {
        try {
            return call.run();
        } catch (FileAlreadyExistsException e) {
            throw new UserException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new UserException(e.getReason() != null ? e.getReason() : e.getMessage() + " does not exist");
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        } catch (IOException e) {
            throw new UserException("keyring: " + e.getMessage());
        }
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    @Command(name = "add", description = "Create a new key.")
    static final class Add extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Keyring ring = client.keyring();
            Keyring.Entry e = io(() -> ring.add(name, client.passphrase("Passphrase for the new key " + name, true)));
            return print(row(e));
        }
    }

    @Command(name = "list", description = "List the keys.")
    static final class ListKeys extends ClientCommand {
        @Override
        public Integer call() {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Keyring.Entry e : io(() -> client.keyring().list())) {
                rows.add(row(e));
            }
            return print(rows);
        }
    }

    @Command(name = "show", description = "Show a key's address.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = {"-a", "--address"},
                description = "Print the address only.")
        boolean addressOnly;

        @Override
        public Integer call() {
            Keyring.Entry e = io(() -> client.keyring().show(name));
            if (addressOnly) {
                spec.commandLine().getOut().println(e.address());
                spec.commandLine().getOut().flush();
            } else {
                Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, row(e));
            }
            return 0;
        }
    }

    @Command(
            name = "export",
            description =
                    "Print a key encrypted with an export passphrase (asked for, or the second line of standard input).")
    static final class Export extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Keyring ring = client.keyring();
            String armored = io(() -> {
                ring.show(name);
                char[] pass = client.passphrase("Passphrase for " + name, false);
                char[] export = ClientOptions.readPassphraseFresh("Passphrase to encrypt the export with");
                return ring.export(name, pass, export);
            });
            spec.commandLine().getOut().println(armored);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "import", description = "Store a key exported by vyoma keys export.")
    static final class Import extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "The exported key.")
        Path file;

        @Override
        public Integer call() {
            Keyring ring = client.keyring();
            Keyring.Entry e = io(() -> {
                String armored = Files.readString(file);
                char[] export = ClientOptions.readPassphraseFresh("Passphrase of the export");
                return ring.importArmored(name, armored, export, client.passphrase("Passphrase for " + name, true));
            });
            return print(row(e));
        }
    }

    @Command(name = "delete", description = "Delete a key.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (!io(() -> client.keyring().delete(name))) {
                throw new UserException("no key named " + name);
            }
            spec.commandLine().getOut().println("deleted " + name);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}

package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

class CommandTreeTest {
    /** Every command's path of words from the root, and its usage in the whole tree. */
    private static void paths(CommandLine c, List<String> words, Map<List<String>, String> out) {
        out.put(List.copyOf(words), c.getUsageMessage(Ansi.OFF));
        for (Map.Entry<String, CommandLine> e : c.getSubcommands().entrySet()) {
            List<String> next = new ArrayList<>(words);
            next.add(e.getKey()); // aliases too
            paths(e.getValue(), next, out);
        }
    }

    private static CommandLine at(CommandLine root, List<String> words) {
        CommandLine c = root;
        for (String w : words) {
            c = c.getSubcommands().get(w);
            assertThat(c).as("%s in the tree built for %s", w, words).isNotNull();
        }
        return c;
    }

    private static int size(CommandLine c) {
        return 1
                + c.getSubcommands().values().stream()
                        .mapToInt(CommandTreeTest::size)
                        .sum();
    }

    @Test
    void everyCommandLineGetsTheCommandItNamesWithTheSameUsageAsInTheWholeTree() {
        Map<List<String>, String> whole = new java.util.LinkedHashMap<>();
        paths(CommandTree.full(), List.of(), whole);
        assertThat(whole).hasSizeGreaterThan(100);
        whole.forEach((words, usage) -> {
            List<String> args = new ArrayList<>(words);
            args.add("--help");
            CommandLine built = CommandTree.forArgs(args.toArray(String[]::new));
            assertThat(at(built, words).getUsageMessage(Ansi.OFF))
                    .as("usage of %s", words)
                    .isEqualTo(usage);
        });
    }

    @Test
    void groupsListTheirSubcommandsInSubcommandsNotInPicocliAnnotation() {
        // picocli would build a group listed there eagerly, and twice with @Subcommands.
        List<String> eager = new ArrayList<>();
        collect(CommandTree.full(), eager);
        assertThat(eager).as("commands with @Command(subcommands = ...)").isEmpty();
    }

    private static void collect(CommandLine c, List<String> eager) {
        Object command = c.getCommandSpec().userObject();
        picocli.CommandLine.Command a = command.getClass().getAnnotation(picocli.CommandLine.Command.class);
        if (a != null && a.subcommands().length > 0 && !(command instanceof picocli.CommandLine.HelpCommand)) {
            eager.add(command.getClass().getName());
        }
        c.getSubcommands().values().forEach(sub -> collect(sub, eager));
    }

    @Test
    void aCommandLineBuildsOnlyThePathItNames() {
        int whole = size(CommandTree.full());
        CommandLine validate = CommandTree.forArgs(new String[] {"-o", "json", "sdl", "validate", "deploy.yaml"});
        assertThat(validate.getSubcommands().keySet()).containsExactly("sdl");
        assertThat(validate.getSubcommands().get("sdl").getSubcommands()).containsOnlyKeys("validate");
        assertThat(size(validate)).isEqualTo(3);
        assertThat(size(CommandTree.forArgs(new String[] {"--version"}))).isEqualTo(1);
        // An option's value that happens to be a command's name is not taken for the command.
        CommandLine list = CommandTree.forArgs(new String[] {"deploy", "--from", "status", "list"});
        assertThat(list.getSubcommands().get("deploy").getSubcommands()).containsOnlyKeys("list");
        // Help, completion, usage errors and a group's own arguments get every command they may list.
        assertThat(size(CommandTree.forArgs(new String[] {"help", "deploy"}))).isEqualTo(whole);
        assertThat(size(CommandTree.forArgs(new String[] {"completion"}))).isEqualTo(whole);
        assertThat(size(CommandTree.forArgs(new String[0]))).isEqualTo(whole);
        assertThat(size(CommandTree.forArgs(new String[] {"--help"}))).isEqualTo(whole);
        assertThat(CommandTree.forArgs(new String[] {"deploy", "web.yaml"})
                        .getSubcommands()
                        .get("deploy")
                        .getSubcommands())
                .containsKeys("list", "status", "close");
        assertThat(size(CommandTree.forArgs(new String[] {"no-such-command"}))).isEqualTo(whole);
    }

    @Test
    void anAliasSelectsItsCommand() {
        CommandLine q = CommandTree.forArgs(new String[] {"q", "bank", "balances", "x"});
        assertThat(q.getSubcommands()).containsKeys("query", "q");
        assertThat(q.getSubcommands().get("q").getSubcommands()).containsOnlyKeys("bank");
    }
}

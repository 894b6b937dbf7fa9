package dev.vyoma.cli;

import dev.vyoma.cli.common.Subcommands;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds the {@code vyoma} command tree from the {@link Subcommands} of each group, lazily: a group gets its
 * subcommands' models only when the command line passes through it or needs them for usage. Building a command's model
 * is most of a short command's start-up (picocli reads every option of every command by reflection), and a command
 * line names one path through ~140 commands.
 */
public final class CommandTree {
    /** Root words whose commands read the whole tree: {@code vyoma help ...} and the completion script. */
    private static final List<String> WHOLE_TREE = List.of("help", "completion");

    private CommandTree() {}

    /** Every command: for completion scripts, documentation and tests. */
    public static CommandLine full() {
        CommandLine root = new CommandLine(VyomaCommand.class);
        attach(root, null, 0);
        return root;
    }

    /** What {@code vyoma args} needs: the groups its words pass through, each with all of its subcommands. */
    public static CommandLine forArgs(String[] args) {
        CommandLine root = new CommandLine(VyomaCommand.class);
        int word = commandWord(root.getCommandSpec(), args, 0);
        if (word >= 0 && WHOLE_TREE.contains(args[word])) {
            attach(root, null, 0);
        } else if (word < 0 && asksForVersionOnly(args)) {
            return root;
        } else {
            attach(root, args, 0);
        }
        return root;
    }

    /**
     * Adds {@code group}'s subcommands: only the one {@code args} names at or after {@code from} when it names one,
     * else all of them (the group's usage lists them); with {@code args} null, the whole subtree.
     */
    private static void attach(CommandLine group, String[] args, int from) {
        Subcommands children = group.getCommandSpec().userObject().getClass().getAnnotation(Subcommands.class);
        if (children == null) {
            return;
        }
        int word = args == null ? -1 : commandWord(group.getCommandSpec(), args, from);
        Class<?> named = null;
        for (Class<?> child : children.value()) {
            if (word >= 0 && names(child).contains(args[word])) {
                named = child;
            }
        }
        if (named != null) {
            CommandLine sub = new CommandLine(named);
            group.addSubcommand(sub);
            attach(sub, args, word + 1);
            return;
        }
        // No word, or one that is no subcommand (an argument of the group's own): its usage lists them all.
        for (Class<?> child : children.value()) {
            CommandLine sub = new CommandLine(child);
            group.addSubcommand(sub);
            attach(sub, null, 0);
        }
    }

    /**
     * The index of the first word of {@code args} from {@code from} that is not an option or an option's value of
     * {@code spec}, or -1 when there is none.
     */
    private static int commandWord(CommandSpec spec, String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return -1;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return i;
            }
            OptionSpec option = a.contains("=") ? null : spec.findOption(a);
            if (option != null && option.arity().min() > 0) {
                i += option.arity().min();
            }
        }
        return -1;
    }

    private static boolean asksForVersionOnly(String[] args) {
        List<String> all = Arrays.asList(args);
        return (all.contains("--version") || all.contains("-V")) && !all.contains("--help") && !all.contains("-h");
    }

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        if (c == null) {
            throw new IllegalStateException(command + " is listed as a subcommand but has no @Command");
        }
        String[] names = Arrays.copyOf(c.aliases(), c.aliases().length + 1);
        names[c.aliases().length] = c.name();
        return Arrays.asList(names);
    }
}

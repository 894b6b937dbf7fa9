package dev.vyoma.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vyoma completion}: a completion script for bash and zsh. */
@Command(
        name = "completion",
        description = {
            "Print a shell completion script for bash and zsh.",
            "Use: source <(vyoma completion)   or   vyoma completion > /etc/bash_completion.d/vyoma"
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("vyoma", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package dev.vyoma.cli.common;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command takes, before or after the command name. They are declared once on the root
 * command and inherited by every subcommand, which reads them through {@link #of}.
 */
public final class GlobalOptions {
    /** The name the root command gives its {@code @Mixin} of these options. */
    public static final String MIXIN = "global";

    /** The options as parsed for the command line that {@code spec} belongs to. */
    public static GlobalOptions of(picocli.CommandLine.Model.CommandSpec spec) {
        return (GlobalOptions) spec.root().mixins().get(MIXIN).userObject();
    }

    @Option(
            names = {"-o", "--output"},
            scope = ScopeType.INHERIT,
            paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "table")
    public OutputFormat output = OutputFormat.table;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces for errors.")
    public boolean debug;
}

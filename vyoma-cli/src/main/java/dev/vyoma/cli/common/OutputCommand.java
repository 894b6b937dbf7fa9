package dev.vyoma.cli.common;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that prints its result in the output format chosen with {@code -o}. */
public abstract class OutputCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** Prints {@code records} (a map, a list of maps, or a page) in the chosen format; returns exit code 0. */
    protected final int print(Object records) {
        Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, records);
        return 0;
    }
}

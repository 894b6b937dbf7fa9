package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.cli.common.SdlFiles;
import dev.vyoma.sdl.SdlDocument;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/** A command that reads one valid SDL file (its errors printed, exit 1, if it is not) and shows part of it. */
abstract class SdlFileCommand extends OutputCommand {
    @Parameters(paramLabel = "FILE", description = "An SDL file; - reads standard input.")
    String file;

    /** Prints what the command shows of {@code doc} in {@code format}. */
    abstract void show(SdlDocument doc, PrintWriter out, OutputFormat format);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SdlDocument doc =
                SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
        show(doc, out, GlobalOptions.of(spec).output);
        return 0;
    }
}

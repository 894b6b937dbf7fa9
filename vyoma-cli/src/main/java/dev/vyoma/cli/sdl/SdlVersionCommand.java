package dev.vyoma.cli.sdl;

import dev.vyoma.cli.GlobalOptions;
import dev.vyoma.cli.Out;
import dev.vyoma.cli.SdlFiles;
import dev.vyoma.sdl.SdlDocument;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyoma sdl version FILE}: the manifest version hash a deployment records. */
@Command(
        name = "version",
        description = {
            "Print the deployment version: SHA-256 of the manifest's canonical JSON, in hex.",
            "It is the hash a deployment records on the ledger and providers check manifests against."
        })
public final class SdlVersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "An SDL file; - reads standard input.")
    String file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SdlDocument doc =
                SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
        if (GlobalOptions.of(spec).output.tabular()) {
            out.println(doc.manifestVersion().hex());
            out.flush();
            return 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("version", doc.manifestVersion().hex());
        m.put("base64", doc.manifestVersion().base64());
        Out.tree(out, GlobalOptions.of(spec).output, m);
        return 0;
    }
}

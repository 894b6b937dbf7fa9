package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.sdl.SdlDocument;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vyoma sdl version FILE}: the manifest version hash a deployment records. */
@Command(
        name = "version",
        description = {
            "Print the deployment version: SHA-256 of the manifest's canonical JSON, in hex.",
            "It is the hash a deployment records on the ledger and providers check manifests against."
        })
public final class SdlVersionCommand extends SdlFileCommand {
    @Override
    void show(SdlDocument doc, PrintWriter out, OutputFormat format) {
        if (format.tabular()) {
            out.println(doc.manifestVersion().hex());
            out.flush();
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("version", doc.manifestVersion().hex());
        m.put("base64", doc.manifestVersion().base64());
        Out.tree(out, format, m);
    }
}

package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.ServiceExpose;
import java.io.PrintWriter;
import java.util.StringJoiner;
import picocli.CommandLine.Command;

/** {@code vyoma sdl manifest FILE}: what the tenant sends to the provider that wins the lease. */
@Command(
        name = "manifest",
        description = {
            "Show the manifest sent to providers: services, images, replicas, exposed ports.",
            "With -o json, the exact JSON of Akash's manifest."
        })
public final class SdlManifestCommand extends SdlFileCommand {
    @Override
    void show(SdlDocument doc, PrintWriter out, OutputFormat format) {
        if (!format.tabular()) {
            Out.tree(out, format, AkashJson.manifest(doc.manifest()));
            return;
        }
        Out.Table table = new Out.Table("GROUP", "SERVICE", "IMAGE", "REPLICAS", "UNIT", "EXPOSE");
        for (ManifestGroup g : doc.manifest().groups()) {
            for (ManifestService s : g.services()) {
                table.row(
                        g.name(), s.name(), s.image(), s.count(), s.resources().id(), exposes(s));
            }
        }
        table.print(out, format);
    }

    private static String exposes(ManifestService s) {
        if (s.expose().isEmpty()) {
            return "-";
        }
        StringJoiner j = new StringJoiner(", ");
        for (ServiceExpose e : s.expose()) {
            String to = e.global() ? "global" : e.service().isEmpty() ? "none" : "to " + e.service();
            if (!e.ip().isEmpty()) {
                to += " ip " + e.ip();
            }
            j.add(e.port() + (e.externalPort() != 0 ? "→" + e.externalPort() : "") + "/"
                    + e.proto().name().toLowerCase(java.util.Locale.ROOT) + " " + to);
        }
        return j.toString();
    }
}

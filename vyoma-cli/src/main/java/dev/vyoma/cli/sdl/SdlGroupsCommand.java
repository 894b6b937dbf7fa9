package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.io.PrintWriter;
import java.util.StringJoiner;
import picocli.CommandLine.Command;

/** {@code vyoma sdl groups FILE}: the group specs a deployment of this SDL puts on the ledger. */
@Command(
        name = "groups",
        description = {
            "Show the deployment group specs (one order per group): resources, replica counts, prices.",
            "With -o json, the exact JSON of Akash's group specs."
        })
public final class SdlGroupsCommand extends SdlFileCommand {
    @Override
    void show(SdlDocument doc, PrintWriter out, OutputFormat format) {
        if (!format.tabular()) {
            Out.tree(out, format, AkashJson.groupSpecs(doc.groups()));
            return;
        }
        Out.Table table =
                new Out.Table("GROUP", "UNIT", "COUNT", "CPU", "MEMORY", "STORAGE", "GPU", "ENDPOINTS", "PRICE/BLOCK");
        for (GroupSpec g : doc.groups()) {
            for (ResourceUnit u : g.resources()) {
                Resources r = u.resources();
                table.row(
                        g.name(),
                        r.id(),
                        u.count(),
                        Out.cores(r.cpu().millicores()),
                        Out.bytes(r.memory().bytes()),
                        storage(r),
                        gpu(r),
                        endpoints(r),
                        u.price().amount().stripTrailingZeros().toPlainString() + " "
                                + u.price().denom());
            }
        }
        table.print(out, format);
    }

    private static String storage(Resources r) {
        StringJoiner j = new StringJoiner(", ");
        for (Volume v : r.storage()) {
            String kind = v.persistent()
                    ? " " + v.attribute("class")
                    : v.attribute("class").equals("ram") ? " ram" : "";
            j.add(v.name() + " " + Out.bytes(v.bytes()) + kind);
        }
        return j.toString();
    }

    private static String gpu(Resources r) {
        if (r.gpu().units() == 0) {
            return "-";
        }
        StringJoiner models = new StringJoiner("|");
        r.gpu().attributes().forEach(a -> models.add(a.key().replace("vendor/nvidia/model/", "")));
        return r.gpu().units() + "× " + models;
    }

    private static String endpoints(Resources r) {
        if (r.endpoints().isEmpty()) {
            return "-";
        }
        StringJoiner j = new StringJoiner(", ");
        for (Endpoint e : r.endpoints()) {
            j.add(
                    switch (e.kind()) {
                        case SHARED_HTTP -> "http";
                        case RANDOM_PORT -> "port";
                        case LEASED_IP -> "ip#" + e.sequenceNumber();
                    });
        }
        return j.toString();
    }
}

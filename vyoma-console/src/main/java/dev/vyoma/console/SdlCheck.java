package dev.vyoma.console;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.provider.screening.Screening;
import dev.vyoma.provider.screening.Verdict;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlError;
import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Volume;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the SDL editor shows about the text being edited: vyoma-sdl's errors and warnings at line and column, and for
 * a valid file the resources and price ceiling of each placement group; on request, what every registered provider
 * would do with it (the screening of {@code vyoma deploy --dry-run}), before anything is posted.
 */
final class SdlCheck {
    /** How the editor names the file in errors. */
    static final String SOURCE = "deploy.yaml";

    /** One problem, where it is. */
    record Problem(int line, int column, String path, String message, String text) {
        static Problem of(SdlError e) {
            return new Problem(e.line(), e.column(), e.path(), e.message(), e.format());
        }
    }

    /** One resource unit of a group, in units a tenant reads. */
    record Unit(int count, String cpu, String memory, String storage, String gpu, String pricePerBlock) {}

    /** One placement group: what it asks for, where, and the most it pays per block. */
    record Group(String name, String placement, List<Unit> units, String ceilingPerBlock) {}

    /** The check of one text. */
    record Result(SdlResult parsed, List<Problem> errors, List<Problem> warnings, List<Group> groups) {
        boolean valid() {
            return parsed.isValid();
        }
    }

    /** One provider's verdict on one group, as a row. */
    record Screened(String group, String provider, boolean bids, String price, String ceiling, String why) {}

    private SdlCheck() {}

    /** Parses {@code text} (at most the SDL size limit; past it, vyoma-sdl's own error). */
    static Result check(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SdlResult r = bytes.length > SdlLimits.DEFAULT.maxBytes()
                ? new dev.vyoma.sdl.read.SdlReader(SdlLimits.DEFAULT).tooLarge(bytes.length, SOURCE)
                : Sdl.parse(bytes, SOURCE);
        List<Group> groups = new ArrayList<>();
        if (r.isValid()) {
            for (GroupSpec g : r.document().groups()) {
                List<Unit> units = new ArrayList<>();
                for (ResourceUnit u : g.resources()) {
                    var res = u.resources();
                    long storage =
                            res.storage().stream().mapToLong(Volume::bytes).sum();
                    String gpu = res.gpu().units() == 0
                            ? "—"
                            : res.gpu().units() + " × "
                                    + String.join(
                                            " ",
                                            res.gpu().attributes().stream()
                                                    .map(Attribute::key)
                                                    .map(k -> k.replaceFirst("^vendor/", ""))
                                                    .toList());
                    units.add(new Unit(
                            u.count(),
                            cpu(res.cpu().millicores()),
                            bytes(res.memory().bytes()),
                            bytes(storage),
                            gpu,
                            coin(u.price())));
                }
                List<String> where = new ArrayList<>();
                g.requirements().attributes().forEach(a -> where.add(a.key() + "=" + a.value()));
                var signed = g.requirements().signedBy();
                if (signed.anyOf() != null && !signed.anyOf().isEmpty()) {
                    where.add("audited by any of " + String.join(", ", signed.anyOf()));
                }
                if (signed.allOf() != null && !signed.allOf().isEmpty()) {
                    where.add("audited by all of " + String.join(", ", signed.allOf()));
                }
                groups.add(new Group(
                        g.name(), where.isEmpty() ? "any provider" : String.join("; ", where), units, coin(g.price())));
            }
        }
        return new Result(
                r,
                r.errors().stream().map(Problem::of).toList(),
                r.warnings().stream().map(Problem::of).toList(),
                groups);
    }

    /** What every provider registered on {@code chain} would do with each group of a valid {@code result}. */
    static List<Screened> screen(VyomaClient chain, Result result) throws InterruptedException {
        List<Screened> rows = new ArrayList<>();
        for (Verdict v : new Screening(chain).screen(result.parsed().document().groups())) {
            rows.add(
                    switch (v) {
                        case Verdict.Bids b ->
                            new Screened(v.group(), v.provider().toString(), true, coin(b.price()), "", "");
                        case Verdict.Excluded x ->
                            new Screened(
                                    v.group(),
                                    v.provider().toString(),
                                    false,
                                    x.skip().asked() == null
                                            ? ""
                                            : coin(x.skip().asked()),
                                    coin(x.ceiling()),
                                    x.skip().by().label() + ": " + x.skip().reason());
                        case Verdict.Unreachable u ->
                            new Screened(v.group(), v.provider().toString(), false, "", "", "unreachable: " + u.why());
                    });
        }
        return rows;
    }

    static String coin(DecCoin c) {
        return c.amount().stripTrailingZeros().toPlainString() + " " + c.denom();
    }

    private static String cpu(long millicores) {
        return java.math.BigDecimal.valueOf(millicores, 3).stripTrailingZeros().toPlainString() + " CPU";
    }

    /** Bytes in the largest binary unit that keeps a whole or one-decimal number. */
    static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return (v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v)) + " "
                + units[i];
    }
}

package dev.vyoma.cli.deploy;

import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.provider.screening.Screening;
import dev.vyoma.provider.screening.Verdict;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table {@code vyoma deploy FILE --dry-run} prints, and {@code vyoma deploy} when no bid came: per group and
 * provider, whether it would bid, the price it would ask, and for a no the first requirement that excluded it
 * ({@link Screening}).
 */
final class DryRun {
    private DryRun() {}

    /** Screens {@code doc}'s groups against every provider registered on {@code chain}. */
    static List<Verdict> screen(VyomaClient chain, SdlDocument doc) {
        try {
            return new Screening(chain).screen(doc.groups());
        } catch (VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while asking the providers");
        }
    }

    /** After a deployment got no bid: the screening of {@code doc} on {@code err}, or why it could not be made. */
    static void explain(PrintWriter err, OutputFormat format, VyomaClient chain, SdlDocument doc) {
        try {
            List<Verdict> verdicts = screen(chain, doc);
            err.println("vyoma: what each provider would do with this deployment:");
            Out.records(err, format, rows(verdicts, format));
        } catch (UserException e) {
            err.println("vyoma: the providers could not be asked why: " + e.getMessage());
        }
        err.flush();
    }

    /**
     * The verdicts as rows: group, provider, bid (yes/no in a table, true/false in JSON or YAML), price, ceiling,
     * excluded by, reason.
     */
    static List<Map<String, Object>> rows(List<Verdict> verdicts, OutputFormat format) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", v.group());
            row.put("provider", v.provider().toString());
            boolean bids = v instanceof Verdict.Bids;
            row.put("bid", format.tabular() ? (bids ? "yes" : "no") : bids);
            switch (v) {
                case Verdict.Bids b -> {
                    row.put("price", coin(b.price()));
                    row.put("ceiling", "");
                    row.put("excluded", "");
                    row.put("reason", "");
                }
                case Verdict.Excluded x -> {
                    row.put(
                            "price",
                            x.skip().asked() == null ? "" : coin(x.skip().asked()));
                    row.put("ceiling", coin(x.ceiling()));
                    row.put("excluded", x.skip().by().label());
                    row.put("reason", x.skip().reason());
                }
                case Verdict.Unreachable u -> {
                    row.put("price", "");
                    row.put("ceiling", "");
                    row.put("excluded", "unreachable");
                    row.put("reason", u.why());
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static String coin(DecCoin c) {
        return c.amount().stripTrailingZeros().toPlainString() + c.denom();
    }
}

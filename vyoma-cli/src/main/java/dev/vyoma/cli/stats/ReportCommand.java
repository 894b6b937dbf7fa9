package dev.vyoma.cli.stats;

import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.QuarterlyReport;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.store.StatsDb;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vyoma stats report}: a period's metrics against another period, as a table, JSON, markdown or HTML. */
@Command(
        name = "report",
        description = {
            "A 'State of the network' report: each metric for the period, the previous period, the change in percent.",
            "Periods are calendar names (--period 2026-Q1, 2026-03, 2026-W10), or --from/--to as dates (2026-01-01;",
            "--to includes that day), times (2026-01-01T12:00Z), heights (h1234) or calendar names."
        })
final class ReportCommand extends OutputCommand {
    @Option(names = "--db", required = true, description = "duckdb:PATH or postgresql://HOST[:PORT]/DATABASE.")
    String db;

    @Option(
            names = "--period",
            description = "A calendar period: 2026-Q1, 2026-03 or 2026-W10 (ISO week), UTC; or FROM..TO."
                    + " Instead of --from and --to.")
    String period;

    @Option(names = "--from", description = "Start: a date, a time, a height or a calendar period (its first day).")
    String from;

    @Option(
            names = "--to",
            description = "End: a date (included), a time (excluded), a height (included) or a calendar period"
                    + " (its last day).")
    String to;

    @Option(
            names = "--compare",
            description = "previous (the calendar period of the same kind before a calendar period, e.g. 2025-Q4"
                    + " before 2026-Q1; else the period of the same length before), none, or another period"
                    + " (2025-Q4, 2025-10-01..2025-12-31) (default: ${DEFAULT-VALUE}).",
            defaultValue = "previous")
    String compare;

    @Option(names = "--charts", description = "Write the PNG charts into this directory.")
    Path charts;

    @Option(names = "--format", description = "table, json, markdown or html (default: table, or json with -o json).")
    String format;

    @Option(
            names = "--prices",
            description = "CSV of denom,YYYY-MM-DD,usd-per-token for denominations other than uusd.")
    Path prices;

    @Option(
            names = "--missing-price",
            description = "What a day without a USD price in the table counts: zero (0 USD, as Akash) or last"
                    + " (the latest earlier price); the days are listed either way (default: ${DEFAULT-VALUE}).",
            defaultValue = "zero")
    String missingPrice;

    @Option(names = "--bucket", description = "day or hour (default: hour for periods of 48 hours or less, else day).")
    String bucket;

    @Option(
            names = "--title",
            description = "Title of a markdown or HTML report.",
            defaultValue = "State of the Vyoma network")
    String title;

    @Option(
            names = "--template",
            description = "quarterly: a 'State of the network' in markdown (headline with changes, GPU supply and"
                    + " demand, revenue, providers, leases, charts, definitions), e.g. --period 2025-Q1"
                    + " --compare 2024-Q4.")
    String template;

    @Option(
            names = "--network",
            description = "The network's name in a --template report's title (default: ${DEFAULT-VALUE}).",
            defaultValue = "Vyoma network")
    String network;

    @Override
    public Integer call() throws Exception {
        PeriodSpec current;
        PeriodSpec previous;
        PriceTable.MissingPrice rule;
        try {
            rule = PriceTable.MissingPrice.parse(missingPrice);
            current = PeriodSpec.of(period, from, to);
            previous = PeriodSpec.comparison(current, compare, "--compare");
            if (previous == null && compare.strip().equals("previous")) {
                // Nothing comes before genesis: the report has no comparison, and says why.
                spec.commandLine()
                        .getErr()
                        .println("vyoma: the period starts at height 1, so there is no previous period to compare"
                                + " with");
            }
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Duration size = bucket == null
                ? null
                : switch (bucket) {
                    case "day" -> Duration.ofDays(1);
                    case "hour" -> Duration.ofHours(1);
                    default -> throw new UserException("--bucket is day or hour, got " + bucket);
                };
        String fmt = format != null
                ? format
                : switch (GlobalOptions.of(spec).output) {
                    case table -> "table";
                    case markdown -> "markdown";
                    case html -> "html";
                    case json, yaml -> "json";
                };
        if (!List.of("table", "json", "markdown", "html").contains(fmt)) {
            throw new UserException("--format is table, json, markdown or html; got " + fmt);
        }
        if (template != null) {
            if (!template.equals("quarterly")) {
                throw new UserException("--template is quarterly; got " + template);
            }
            if (format != null && !format.equals("markdown")) {
                throw new UserException("--template quarterly writes markdown; leave out --format " + format);
            }
            fmt = "quarterly";
        }
        try (StatsDb db = StatsCommand.open(this.db)) {
            List<PriceTable.Entry> extra = prices == null ? List.of() : PriceTable.read(prices);
            MetricsQuery q = new MetricsQuery(db, MetricsQuery.prices(db, extra, rule), MetricsQuery.DEFAULT_GRACE);
            Report r = Report.of(q, current, previous, size);
            PrintWriter err = spec.commandLine().getErr();
            for (String note : ReportView.priceNotes(r.current())) {
                err.println("vyoma: warning: " + note);
            }
            if (r.previous() != null) {
                for (String note : ReportView.priceNotes(r.previous())) {
                    err.println("vyoma: warning: previous period: " + note);
                }
            }
            err.flush();
            List<String> files = new ArrayList<>();
            if (charts != null) {
                files = Charts.write(r.current(), charts);
            }
            PrintWriter out = spec.commandLine().getOut();
            switch (fmt) {
                case "json" -> out.println(JsonWriter.pretty(ReportView.tree(r)));
                case "markdown" -> out.print(ReportView.markdown(r, title, files));
                case "quarterly" -> out.print(QuarterlyReport.markdown(r, network, files));
                case "html" -> out.print(ReportView.html(r, title, files));
                default -> out.print(ReportView.table(r));
            }
            out.flush();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        return 0;
    }
}

package dev.vyoma.stats.report;

import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.Report;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A report as a tree of maps and lists (what the JSON API and {@code -o json} print: exact decimals as strings),
 * and as text: an aligned table, markdown with its charts, or a standalone HTML page (with the further tables
 * that {@link ReportSections} builds).
 */
public final class ReportView {
    private ReportView() {}

    /** The whole report as a JSON-ready tree. */
    public static Map<String, Object> tree(Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("period", period(r.current()));
        if (r.previous() != null) {
            out.put("previous", period(r.previous()));
        }
        out.put("bucket", r.bucket().toHours() == 24 ? "day" : "hour");
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Metric m : Metric.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("title", m.title());
            e.put("unit", m.unit());
            e.put("value", str(r.current().value(m)));
            if (m.pointInTime()) {
                e.put("first", str(r.current().first(m)));
                e.put("last", str(r.current().last(m)));
            }
            if (r.previous() != null) {
                e.put("previous", str(r.previous().value(m)));
                if (m.pointInTime()) {
                    e.put("previousFirst", str(r.previous().first(m)));
                    e.put("previousLast", str(r.previous().last(m)));
                }
                e.put("changePct", str(r.changePct().get(m)));
            }
            metrics.put(m.key(), e);
        }
        out.put("metrics", metrics);
        out.put("revenueMicroByDenom", decimals(r.current().revenueMicroByDenom()));
        out.put("revenueUsdByDenom", decimals(r.current().revenueUsdByDenom()));
        Map<String, Object> genesis = new LinkedHashMap<>();
        genesis.put("leases", r.current().sinceGenesis().leases());
        genesis.put("revenueMicroByDenom", decimals(r.current().sinceGenesis().revenueMicroByDenom()));
        genesis.put("revenueUsd", str(r.current().sinceGenesis().revenueUsd()));
        out.put("sinceGenesis", genesis);
        out.put("payoutsMicroByDenom", r.current().payoutsMicroByDenom());
        out.put("unpricedDenoms", r.current().unpricedDenoms());
        Map<String, Object> gaps = new LinkedHashMap<>();
        gaps.put("rule", r.current().priceGaps().rule().option());
        Map<String, List<String>> days = new LinkedHashMap<>();
        r.current()
                .priceGaps()
                .days()
                .forEach((d, list) -> days.put(
                        d, list.stream().map(java.time.LocalDate::toString).toList()));
        gaps.put("days", days);
        out.put("missingPrices", gaps);
        out.put("notes", notes(r));
        Map<String, Object> gpus = new LinkedHashMap<>();
        r.current().gpusByModel().forEach((model, g) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("capacity", str(g.capacity()));
            e.put("inUse", str(g.inUse()));
            e.put("reserved", str(g.reserved()));
            e.put("utilizationLeasedPct", str(g.utilizationLeasedPct()));
            e.put("utilizationLeasedOrReservedPct", str(g.utilizationLeasedOrReservedPct()));
            if (r.previous() != null && r.previous().gpusByModel().containsKey(model)) {
                PeriodMetrics.Gpu p = r.previous().gpusByModel().get(model);
                e.put("previousCapacity", str(p.capacity()));
                e.put("previousInUse", str(p.inUse()));
                e.put("previousReserved", str(p.reserved()));
            }
            gpus.put(model, e);
        });
        out.put("gpusByModel", gpus);
        out.put("gpuPrices", gpuPrices(r.current().gpuPrices()));
        out.put("providers", providers(r.current().providers()));
        out.put("leaseDurations", durations(r.current().leaseDurations()));
        out.put("series", series(r.current()));
        return out;
    }

    private static Map<String, Object> period(PeriodMetrics m) {
        PeriodMetrics.Period p = m.period();
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.name() != null) {
            out.put("name", p.name());
        }
        out.put("start", Instant.ofEpochMilli(p.startMillis()).toString());
        out.put("end", Instant.ofEpochMilli(p.endMillis()).toString());
        out.put("fromHeight", p.fromHeight());
        out.put("toHeight", p.toHeight());
        out.put("complete", p.complete());
        out.put("capacityBucketsWithoutData", m.capacityBucketsWithoutData());
        return out;
    }

    /** The per-bucket values, one entry per bucket. */
    public static List<Map<String, Object>> series(PeriodMetrics m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PeriodMetrics.Bucket b : m.buckets()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("start", Instant.ofEpochMilli(b.startMillis()).toString());
            e.put("fromHeight", b.lo());
            e.put("toHeight", b.hi());
            e.put("newLeases", b.newLeases());
            e.put("activeLeases", b.activeLeases());
            e.put("revenueUsd", str(b.revenueUsd()));
            e.put("revenueMicroByDenom", decimals(b.revenueMicroByDenom()));
            e.put("revenueUsdByDenom", decimals(b.revenueUsdByDenom()));
            e.put("payoutsUsd", str(b.payoutsUsd()));
            e.put("totalLeases", b.totalLeases());
            e.put("totalRevenueUsd", str(b.totalRevenueUsd()));
            e.put("capacityData", b.capacityData());
            e.put("activeProviders", b.capacityData() ? b.activeProviders() : null);
            e.put("gpuCapacity", b.capacityData() ? b.gpuCapacity() : null);
            e.put("gpusInUse", b.capacityData() ? b.gpusInUse() : null);
            e.put("gpusReserved", b.capacityData() ? b.gpusReserved() : null);
            amounts(e, "cpu", "Millis", b.capacityData() ? b.cpu() : null);
            amounts(e, "memory", "Bytes", b.capacityData() ? b.memory() : null);
            amounts(e, "storage", "Bytes", b.capacityData() ? b.storage() : null);
            e.put("cpuLeasedMillis", b.cpuMillis());
            e.put("memoryLeasedBytes", b.memoryBytes());
            e.put("storageLeasedBytes", b.storageBytes());
            e.put("gpusLeased", b.gpusLeased());
            out.add(e);
        }
        return out;
    }

    private static Map<String, Object> gpuPrices(dev.vyoma.stats.metrics.GpuPrices g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("blocksPerHour", str(g.blocksPerHour()));
        out.put("daysPerMonth", dev.vyoma.stats.metrics.GpuPrices.DAYS_PER_MONTH.toPlainString());
        Map<String, Object> models = new LinkedHashMap<>();
        g.models().forEach((model, m) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("bids", priceStats(m.bids()));
            e.put("leases", priceStats(m.leases()));
            models.put(model, e);
        });
        out.put("models", models);
        return out;
    }

    private static Map<String, Object> providers(dev.vyoma.stats.metrics.Leaderboard board) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", board.providers());
        List<String> windows = new ArrayList<>();
        for (java.time.Duration w : dev.vyoma.stats.metrics.Leaderboard.UPTIME_WINDOWS) {
            windows.add(w.toDays() + "d");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (dev.vyoma.stats.metrics.Leaderboard.Row row : board.rows()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("rank", row.rank());
            e.put("provider", row.provider());
            e.put("hostUri", row.hostUri());
            e.put("earningsUsd", str(row.earningsUsd()));
            e.put("earningsMicroByDenom", decimals(row.earningsMicroByDenom()));
            e.put("activeLeases", row.activeLeases());
            e.put("gpusLeased", row.gpusLeased());
            e.put("gpuCapacity", row.gpuCapacity());
            e.put("gpusAllocated", row.gpusAllocated());
            Map<String, Object> up = new LinkedHashMap<>();
            for (int i = 0; i < windows.size(); i++) {
                up.put(windows.get(i), str(row.uptimePct().get(i)));
            }
            e.put("uptimePct", up);
            rows.add(e);
        }
        out.put("rows", rows);
        return out;
    }

    private static Map<String, Object> durations(dev.vyoma.stats.metrics.LeaseDurations d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("closed", d.count());
        out.put("meanHours", str(d.meanHours()));
        out.put("medianHours", str(d.medianHours()));
        out.put("p90Hours", str(d.p90Hours()));
        Map<String, Object> bins = new LinkedHashMap<>();
        for (int i = 0; i < d.binCounts().size(); i++) {
            bins.put(
                    dev.vyoma.stats.metrics.LeaseDurations.BINS.get(i).name(),
                    d.binCounts().get(i));
        }
        out.put("bins", bins);
        return out;
    }

    private static Map<String, Object> priceStats(dev.vyoma.stats.metrics.GpuPrices.Stats s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("count", s.count());
        e.put("providers", s.providers());
        e.put("minUsdPerHour", str(s.minPerHour()));
        e.put("medianUsdPerHour", str(s.medianPerHour()));
        e.put("maxUsdPerHour", str(s.maxPerHour()));
        e.put("minUsdPerMonth", str(s.minPerMonth()));
        e.put("medianUsdPerMonth", str(s.medianPerMonth()));
        e.put("maxUsdPerMonth", str(s.maxPerMonth()));
        return e;
    }

    /** {@code cpuCapacityMillis}, {@code cpuInUseMillis}, {@code cpuReservedMillis} (null without data). */
    private static void amounts(Map<String, Object> e, String resource, String unit, PeriodMetrics.Amounts a) {
        e.put(resource + "Capacity" + unit, a == null ? null : a.capacity());
        e.put(resource + "InUse" + unit, a == null ? null : a.inUse());
        e.put(resource + "Reserved" + unit, a == null ? null : a.reserved());
    }

    private static Map<String, String> decimals(Map<String, BigDecimal> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.toPlainString()));
        return out;
    }

    private static String str(BigDecimal v) {
        return v == null ? null : v.toPlainString();
    }

    /** The summary's column heads. */
    static final String[] HEADS = {"METRIC", "UNIT", "PERIOD", "FIRST → LAST", "PREVIOUS", "CHANGE"};

    /**
     * Rows of the summary: metric, unit, period figure, first → last bucket (point-in-time metrics), previous,
     * change.
     */
    static List<String[]> rows(Report r) {
        List<String[]> rows = new ArrayList<>();
        for (Metric m : Metric.values()) {
            rows.add(new String[] {
                m.title(),
                m.unit(),
                human(m, r.current().value(m)),
                firstLast(m, r.current()),
                r.previous() == null ? "" : human(m, r.previous().value(m)),
                r.previous() == null ? "" : change(r.changePct().get(m))
            });
        }
        return rows;
    }

    /** A change in percent with its sign ({@code +38.00%}), or n/a. */
    static String change(BigDecimal c) {
        return c == null ? "n/a" : (c.signum() > 0 ? "+" : "") + c.toPlainString() + "%";
    }

    /** {@code 359 → 553}: a point-in-time metric's first and last buckets; empty for the others. */
    static String firstLast(Metric m, PeriodMetrics p) {
        return firstLast(m, p, ReportView::human);
    }

    /** {@link #firstLast(Metric, PeriodMetrics)} with each figure written by {@code format}. */
    static String firstLast(Metric m, PeriodMetrics p, BiFunction<Metric, BigDecimal, String> format) {
        if (!m.pointInTime() || p.first(m) == null || p.last(m) == null) {
            return "";
        }
        return format.apply(m, p.first(m)) + " → " + format.apply(m, p.last(m));
    }

    /** A value for people: money to the cent, bytes in GiB, means to 2 places. */
    static String human(Metric m, BigDecimal v) {
        if (v == null) {
            return "n/a";
        }
        return switch (m.unit()) {
            case "USD" -> String.format("%,.2f", v.setScale(2, RoundingMode.HALF_EVEN));
            case "bytes" ->
                v.divide(BigDecimal.valueOf(1L << 30), 2, RoundingMode.HALF_EVEN)
                                .toPlainString() + " GiB";
            default ->
                v.setScale(Math.min(2, Math.max(0, v.scale())), RoundingMode.HALF_EVEN)
                        .toPlainString();
        };
    }

    private static String header(Report r) {
        PeriodMetrics.Period p = r.current().period();
        String s = "Period " + named(p) + Instant.ofEpochMilli(p.startMillis()) + " to "
                + Instant.ofEpochMilli(p.endMillis())
                + " (heights " + p.fromHeight() + "-" + p.toHeight() + (p.complete() ? "" : ", indexed so far") + ")";
        if (r.previous() != null) {
            PeriodMetrics.Period q = r.previous().period();
            s += "; previous " + named(q) + Instant.ofEpochMilli(q.startMillis()) + " to "
                    + Instant.ofEpochMilli(q.endMillis());
        }
        return s;
    }

    private static String named(PeriodMetrics.Period p) {
        return p.name() == null ? "" : p.name() + ", ";
    }

    /**
     * What a reader must know to read the figures: denominations left out of USD, and buckets without capacity data
     * (left out of the capacity means), for the period and the previous one.
     */
    public static List<String> notes(Report r) {
        List<String> out = new ArrayList<>();
        if (!r.current().unpricedDenoms().isEmpty()) {
            out.add("Not counted in USD (no price in the table): " + r.current().unpricedDenoms() + ".");
        }
        priceNote(out, "", r.current());
        if (r.previous() != null) {
            priceNote(out, "Previous period: ", r.previous());
        }
        String unit = r.bucket().toHours() == 24 ? "days" : "hours";
        capacityNote(out, "", r.current(), unit);
        if (r.previous() != null) {
            capacityNote(out, "Previous period: ", r.previous(), unit);
        }
        return out;
    }

    /** One note per denomination whose price was missing on some days, with the days (runs as FROM..TO). */
    public static List<String> priceNotes(PeriodMetrics m) {
        List<String> out = new ArrayList<>();
        priceNote(out, "", m);
        return out;
    }

    private static void priceNote(List<String> out, String prefix, PeriodMetrics m) {
        PeriodMetrics.PriceGaps gaps = m.priceGaps();
        gaps.days()
                .forEach((denom, days) -> out.add(prefix + denom + " had no USD price on " + days.size()
                        + (days.size() == 1 ? " day" : " days") + " (" + runs(days) + "): "
                        + switch (gaps.rule()) {
                            case ZERO ->
                                "counted as 0 USD, as Akash does (--missing-price last repeats the latest earlier"
                                        + " price).";
                            case LAST ->
                                "filled with the latest earlier price (--missing-price last; Akash counts 0 USD).";
                        }));
    }

    /** Days as runs: 2026-01-02..2026-01-04, 2026-01-09. */
    static String runs(List<java.time.LocalDate> days) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < days.size(); ) {
            int j = i;
            while (j + 1 < days.size() && days.get(j + 1).equals(days.get(j).plusDays(1))) {
                j++;
            }
            parts.add(i == j ? days.get(i).toString() : days.get(i) + ".." + days.get(j));
            i = j + 1;
        }
        return String.join(", ", parts);
    }

    private static void capacityNote(List<String> out, String prefix, PeriodMetrics m, String unit) {
        int missing = m.capacityBucketsWithoutData();
        if (missing > 0) {
            out.add(prefix + missing + " of " + m.buckets().size() + " " + unit
                    + " had no provider status data (no poll stored in the grace period before their end); they are"
                    + " left out of the capacity means (providers, GPUs, utilisation).");
        }
    }

    /** An aligned text table. */
    public static String table(Report r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADS);
        rows.addAll(rows(r));
        int cols = HEADS.length;
        int[] w = new int[cols];
        for (String[] row : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder(header(r)).append('\n');
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(row[i]).append(i < cols - 1 ? " ".repeat(w[i] - row[i].length() + 2) : "");
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        for (String note : notes(r)) {
            b.append(note).append('\n');
        }
        return b.toString();
    }

    /**
     * A table of the report beyond the summary (revenue by denomination, GPUs by model, …): a title, column heads
     * (the first column is text, the others figures), rows, and a line under it (or empty).
     */
    public record Section(String title, List<String> heads, List<String[]> rows, String note) {}

    /** A count with its thousands grouped: 46,012. */
    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    /** A section as markdown: a heading, the table (figures right-aligned), its note. */
    static String markdown(Section sec) {
        StringBuilder b = new StringBuilder("## ").append(sec.title()).append("\n\n");
        b.append("| ").append(String.join(" | ", sec.heads())).append(" |\n|---");
        b.append("|---:".repeat(sec.heads().size() - 1)).append("|\n");
        for (String[] row : sec.rows()) {
            b.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        if (!sec.note().isEmpty()) {
            b.append('\n').append(sec.note()).append('\n');
        }
        return b.toString();
    }

    /** A section as HTML: a heading, the table, its note. */
    public static String html(Section sec) {
        StringBuilder b = new StringBuilder("<h2>").append(esc(sec.title())).append("</h2>\n<table><tr>");
        for (String h : sec.heads()) {
            b.append("<th>").append(esc(h)).append("</th>");
        }
        b.append("</tr>\n");
        for (String[] row : sec.rows()) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(esc(cell)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        if (!sec.note().isEmpty()) {
            b.append("<p>").append(esc(sec.note())).append("</p>\n");
        }
        return b.toString();
    }

    /** Markdown: the summary table, the further tables, the notes, and the charts (file names relative to it). */
    public static String markdown(Report r, String title, List<String> chartFiles) {
        StringBuilder b = new StringBuilder("# ")
                .append(title)
                .append("\n\n")
                .append(header(r))
                .append(".\n\n");
        b.append("| Metric | Unit | Period | First → last | Previous | Change |\n|---|---|---:|---:|---:|---:|\n");
        for (String[] row : rows(r)) {
            b.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        for (Section sec : ReportSections.sections(r)) {
            b.append('\n').append(markdown(sec));
        }
        if (!notes(r).isEmpty()) {
            b.append('\n');
            for (String note : notes(r)) {
                b.append("- ").append(note).append('\n');
            }
        }
        if (!chartFiles.isEmpty()) {
            b.append("\n## Charts\n\n");
            for (String f : chartFiles) {
                b.append("![").append(f).append("](").append(f).append(")\n\n");
            }
        }
        b.append("Definitions: docs/metrics.md.\n");
        return b.toString();
    }

    /** The page's style: figures right-aligned, the first column left. */
    static final String STYLE = "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}";

    /** A standalone HTML page of the summary, the further tables and the charts (linked by file name). */
    public static String html(Report r, String title, List<String> chartFiles) {
        return html(r, title, chartFiles, "");
    }

    /** As {@link #html(Report, String, List)}, with {@code before} (HTML) between the title and the summary. */
    public static String html(Report r, String title, List<String> chartFiles, String before) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n<h1>")
                .append(esc(title))
                .append("</h1>\n")
                .append(before)
                .append("<p>")
                .append(esc(header(r)))
                .append("</p>\n<table><tr><th>Metric</th><th>Unit</th><th>Period</th><th>First → last</th>"
                        + "<th>Previous</th><th>Change</th></tr>\n");
        for (String[] row : rows(r)) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(esc(cell)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        for (String note : notes(r)) {
            b.append("<p>").append(esc(note)).append("</p>\n");
        }
        for (Section sec : ReportSections.sections(r)) {
            b.append(html(sec));
        }
        for (String f : chartFiles) {
            b.append("<p><img src=\"")
                    .append(esc(f))
                    .append("\" alt=\"")
                    .append(esc(f))
                    .append("\"></p>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    /** The last 24 hours as a JSON-ready tree: now and then (height, time), and each figure now, then, change. */
    public static Map<String, Object> tree(dev.vyoma.stats.metrics.Rolling24h d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "now",
                Map.of(
                        "height",
                        d.nowHeight(),
                        "time",
                        Instant.ofEpochMilli(d.nowMillis()).toString()));
        out.put(
                "then",
                Map.of(
                        "height",
                        d.thenHeight(),
                        "time",
                        Instant.ofEpochMilli(d.thenMillis()).toString()));
        Map<String, Object> figures = new LinkedHashMap<>();
        for (dev.vyoma.stats.metrics.Rolling24h.Row row : d.rows()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("title", row.metric().title());
            e.put("unit", row.metric().unit());
            e.put("now", str(row.now()));
            e.put("then", str(row.then()));
            e.put("changePct", str(row.changePct()));
            figures.put(row.metric().key(), e);
        }
        out.put("figures", figures);
        return out;
    }

    /** The last 24 hours as a section: sums over the 24 hours against the 24 before, the rest now against then. */
    public static Section section(dev.vyoma.stats.metrics.Rolling24h d) {
        List<String[]> rows = new ArrayList<>();
        for (dev.vyoma.stats.metrics.Rolling24h.Row row : d.rows()) {
            Metric m = row.metric();
            boolean sum = m.aggregation() == Metric.Aggregation.SUM;
            rows.add(new String[] {
                m.title() + (sum ? " (24 h)" : ""),
                m.unit(),
                human(m, row.now()),
                human(m, row.then()),
                change(row.changePct())
            });
        }
        return new Section(
                "Last 24 hours",
                List.of("Figure", "Unit", "Now", "24 hours before", "Change"),
                rows,
                "Now: height " + d.nowHeight() + " at " + Instant.ofEpochMilli(d.nowMillis()) + "; 24 hours before:"
                        + " height " + d.thenHeight() + ". Sums are over the 24 hours up to each.");
    }

    static String pct(BigDecimal v) {
        return v == null ? "n/a" : v + "%";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package dev.vyoma.stats.report;

import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.Report;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code vyoma stats report --template quarterly}: a "State of the network" in Markdown, in the shape of the
 * quarterly reports written about Akash: a headline table with quarter-over-quarter changes, then GPU supply and
 * demand, revenue, providers and leases, the charts, and the definitions of every figure used. Everything in it is
 * computed from the indexed chain (and the providers' status answers the indexer stored); the prose is made from
 * the same figures, so it says nothing the tables do not. Works for any period; its names head the columns.
 */
public final class QuarterlyReport {
    private QuarterlyReport() {}

    /** The headline figures, in order. */
    static final List<Metric> HEADLINE = List.of(
            Metric.NEW_LEASES,
            Metric.ACTIVE_LEASES,
            Metric.REVENUE_USD,
            Metric.ACTIVE_PROVIDERS,
            Metric.GPU_CAPACITY,
            Metric.GPUS_IN_USE,
            Metric.GPU_UTILIZATION_LEASED_OR_RESERVED,
            Metric.TOTAL_LEASES,
            Metric.TOTAL_REVENUE_USD);

    static final List<Metric> GPU = List.of(
            Metric.GPU_CAPACITY,
            Metric.GPUS_IN_USE,
            Metric.GPUS_RESERVED,
            Metric.GPU_UTILIZATION_LEASED,
            Metric.GPU_UTILIZATION_LEASED_OR_RESERVED,
            Metric.GPUS_LEASED);

    static final List<Metric> REVENUE = List.of(Metric.REVENUE_USD, Metric.PAYOUTS_USD, Metric.TOTAL_REVENUE_USD);

    static final List<Metric> PROVIDERS = List.of(
            Metric.ACTIVE_PROVIDERS,
            Metric.CPU_CAPACITY,
            Metric.CPU_UTILIZATION_LEASED_OR_RESERVED,
            Metric.MEMORY_CAPACITY,
            Metric.MEMORY_UTILIZATION_LEASED_OR_RESERVED,
            Metric.STORAGE_CAPACITY,
            Metric.STORAGE_UTILIZATION_LEASED_OR_RESERVED);

    static final List<Metric> LEASES = List.of(
            Metric.NEW_LEASES,
            Metric.ACTIVE_LEASES,
            Metric.CPU_LEASED,
            Metric.MEMORY_LEASED,
            Metric.STORAGE_LEASED,
            Metric.GPUS_LEASED,
            Metric.TOTAL_LEASES);

    /** The report: {@code network} names the chain in the title, {@code chartFiles} are linked as given. */
    public static String markdown(Report r, String network, List<String> chartFiles) {
        PeriodMetrics cur = r.current();
        PeriodMetrics prev = r.previous();
        String now = name(cur);
        String before = prev == null ? null : name(prev);
        StringBuilder b = new StringBuilder("# State of the ")
                .append(network)
                .append(": ")
                .append(now)
                .append("\n\n");
        b.append(now).append(" (").append(span(cur)).append(")");
        if (prev != null) {
            b.append(" against ").append(before).append(" (").append(span(prev)).append(")");
        }
        b.append(". Every figure is computed from the chain and from the status answers of its providers that the"
                + " indexer stored; nothing else goes in. ");
        b.append(prev == null ? "" : "Changes are " + before + " to " + now + ". ");
        b.append("\"First → last\" is the figure on the period's first and last day; the definitions are at the end.")
                .append(
                        cur.period().complete()
                                ? ""
                                : " The chain is indexed only part of the way through " + now + ".")
                .append("\n\n");

        b.append("## Headline\n\n").append(table(r, HEADLINE)).append('\n');
        b.append(summary(r)).append("\n\n");

        b.append("## GPU supply and demand\n\n").append(gpuProse(r)).append("\n\n");
        b.append(table(r, GPU)).append('\n');
        b.append(ReportView.markdown(modelSection(r))).append('\n');
        b.append(ReportView.markdown(ReportSections.gpuPriceSection(cur.gpuPrices())));

        b.append("\n## Revenue\n\n").append(revenueProse(r)).append("\n\n");
        b.append(table(r, REVENUE)).append('\n');
        b.append(ReportView.markdown(monthSection(cur))).append('\n');
        for (ReportView.Section sec : ReportSections.sections(r)) {
            if (sec.title().equals("Revenue by denomination")) {
                b.append(ReportView.markdown(sec));
            }
        }

        b.append("\n## Providers\n\n").append(providerProse(r)).append("\n\n");
        b.append(table(r, PROVIDERS)).append('\n');
        b.append(ReportView.markdown(ReportSections.providerSection(cur.providers(), ReportSections.TOP_PROVIDERS)));

        b.append("\n## Leases\n\n").append(leaseProse(r)).append("\n\n");
        b.append(table(r, LEASES)).append('\n');
        ReportView.Section durations = ReportSections.durationSection(cur.leaseDurations());
        if (!durations.rows().isEmpty()) {
            b.append(ReportView.markdown(durations));
        }

        List<String> notes = ReportView.notes(r);
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            for (String n : notes) {
                b.append("- ").append(n).append('\n');
            }
        }
        if (!chartFiles.isEmpty()) {
            b.append("\n## Charts\n\n");
            for (String f : chartFiles) {
                b.append("![").append(f).append("](").append(f).append(")\n\n");
            }
        }
        b.append("\n## Definitions\n\n");
        b.append("- A period is a calendar period in UTC; its figures are read per UTC day (the day's last block for"
                + " point-in-time figures) and made into one figure per period as each says: a sum, a mean over the"
                + " days, a ratio of sums, or the value at the period's last block. Change = 100 × (this − previous)"
                + " / previous.\n");
        b.append("- Capacity figures come from each provider's last successful status answer in the 3 hours before"
                + " a day's end, counted only while it is registered on chain; a day without any stored status poll"
                + " is left out of them.\n");
        Set<Metric> used = new LinkedHashSet<>();
        for (List<Metric> l : List.of(HEADLINE, GPU, REVENUE, PROVIDERS, LEASES)) {
            used.addAll(l);
        }
        for (Metric m : used) {
            b.append("- **")
                    .append(m.title())
                    .append("** (`")
                    .append(m.key())
                    .append("`, ")
                    .append(m.unit())
                    .append("): ")
                    .append(m.definition())
                    .append(".\n");
        }
        b.append("- **GPU prices**: per GPU, from bids (each provider's cheapest in the period) and from leases"
                + " created in the period, on groups that ask for one GPU model; hourly at the blocks an hour the"
                + " chain made, monthly at 30.437 days.\n");
        b.append("- **Providers by earnings**: lease revenue accrued to each provider in the period; uptime is the"
                + " share of its status polls it answered in the 1, 7 and 30 days up to the period's end.\n");
        b.append("- **Lease durations**: leases closed in the period, from their creating block's time to their"
                + " closing block's.\n");
        b.append("\nThe full rules, and how each figure compares with Akash's, are in docs/metrics.md.\n");
        return b.toString();
    }

    private static String name(PeriodMetrics m) {
        return m.period().name() != null ? m.period().name() : span(m);
    }

    /** {@code 2025-01-01 to 2025-03-31, heights 2209–4368}. */
    private static String span(PeriodMetrics m) {
        PeriodMetrics.Period p = m.period();
        LocalDate first = day(p.startMillis());
        LocalDate last = day(p.endMillis() - 1);
        return first + " to " + last + ", heights " + p.fromHeight() + "–" + p.toHeight();
    }

    private static LocalDate day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** A table of {@code metrics}: the period, its first → last day, the previous period, its first → last, change. */
    static String table(Report r, List<Metric> metrics) {
        PeriodMetrics cur = r.current();
        PeriodMetrics prev = r.previous();
        StringBuilder b = new StringBuilder("| Figure | ").append(name(cur)).append(" | First → last |");
        if (prev != null) {
            b.append(' ').append(name(prev)).append(" | First → last | Change |");
        }
        b.append("\n|---|---:|---:|");
        if (prev != null) {
            b.append("---:|---:|---:|");
        }
        b.append('\n');
        for (Metric m : metrics) {
            b.append("| ")
                    .append(label(m))
                    .append(" | ")
                    .append(fmt(m, cur.value(m)))
                    .append(" | ")
                    .append(ReportView.firstLast(m, cur, QuarterlyReport::fmt))
                    .append(" |");
            if (prev != null) {
                b.append(' ')
                        .append(fmt(m, prev.value(m)))
                        .append(" | ")
                        .append(ReportView.firstLast(m, prev, QuarterlyReport::fmt))
                        .append(" | ")
                        .append(ReportView.change(r.changePct().get(m)))
                        .append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The metric's title with its unit and how the period's figure is made. */
    static String label(Metric m) {
        String how = switch (m.aggregation()) {
            case SUM -> "";
            case MEAN -> ", daily mean";
            case RATIO -> "";
            case LAST -> ", at the end";
        };
        String unit = switch (m.unit()) {
            case "bytes" -> "TiB";
            case "%" -> "";
            default -> m.unit();
        };
        String t = m.title();
        // "New leases", not "New leases (leases)".
        if (t.toLowerCase(Locale.ROOT).contains(unit.toLowerCase(Locale.ROOT))) {
            unit = "";
        }
        String in = (unit + how).replaceFirst("^, ", "");
        return in.isEmpty() ? t : t + " (" + in + ")";
    }

    /** A figure for people: grouped thousands, money to the cent, bytes in TiB, percentages with their sign. */
    static String fmt(Metric m, BigDecimal v) {
        if (v == null) {
            return "n/a";
        }
        return switch (m.unit()) {
            case "USD" -> String.format(Locale.ROOT, "%,.2f", v.setScale(2, RoundingMode.HALF_EVEN));
            case "bytes" ->
                String.format(Locale.ROOT, "%,.2f", v.divide(BigDecimal.valueOf(1L << 40), 2, RoundingMode.HALF_EVEN));
            case "%" -> v.setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "%";
            default -> {
                BigDecimal s = v.setScale(
                        Math.min(1, Math.max(0, v.stripTrailingZeros().scale())), RoundingMode.HALF_EVEN);
                yield String.format(Locale.ROOT, s.scale() == 0 ? "%,.0f" : "%,.1f", s);
            }
        };
    }

    /** {@code 46,000 (−24.59%)}: a figure with its change, or the figure alone. */
    private static String with(Report r, Metric m) {
        String v = fmt(m, r.current().value(m));
        BigDecimal c = r.changePct().get(m);
        return c == null ? v : v + " (" + ReportView.change(c) + ")";
    }

    private static String summary(Report r) {
        PeriodMetrics cur = r.current();
        StringBuilder b = new StringBuilder();
        b.append(with(r, Metric.NEW_LEASES))
                .append(" new leases, ")
                .append(with(r, Metric.ACTIVE_LEASES))
                .append(" open on an average day; lease revenue ")
                .append(with(r, Metric.REVENUE_USD))
                .append(" USD.");
        if (cur.first(Metric.GPUS_IN_USE) != null) {
            b.append(" GPUs allocated to leases went from ")
                    .append(fmt(Metric.GPUS_IN_USE, cur.first(Metric.GPUS_IN_USE)))
                    .append(" to ")
                    .append(fmt(Metric.GPUS_IN_USE, cur.last(Metric.GPUS_IN_USE)))
                    .append(" of ")
                    .append(fmt(Metric.GPU_CAPACITY, cur.first(Metric.GPU_CAPACITY)))
                    .append(" → ")
                    .append(fmt(Metric.GPU_CAPACITY, cur.last(Metric.GPU_CAPACITY)))
                    .append(" offered, on ")
                    .append(fmt(Metric.ACTIVE_PROVIDERS, cur.first(Metric.ACTIVE_PROVIDERS)))
                    .append(" → ")
                    .append(fmt(Metric.ACTIVE_PROVIDERS, cur.last(Metric.ACTIVE_PROVIDERS)))
                    .append(" active providers.");
        }
        return b.toString();
    }

    private static String gpuProse(Report r) {
        PeriodMetrics cur = r.current();
        if (cur.value(Metric.GPU_CAPACITY) == null) {
            return "No provider status answers were stored for this period, so GPU capacity is not known.";
        }
        return "Providers offered " + with(r, Metric.GPU_CAPACITY) + " GPUs on an average day and had "
                + with(r, Metric.GPUS_IN_USE) + " allocated to leases: a utilisation of "
                + fmt(Metric.GPU_UTILIZATION_LEASED, cur.value(Metric.GPU_UTILIZATION_LEASED))
                + " leased, "
                + fmt(Metric.GPU_UTILIZATION_LEASED_OR_RESERVED, cur.value(Metric.GPU_UTILIZATION_LEASED_OR_RESERVED))
                + " counting GPUs reserved for open bids as Akash does. The leases on chain held "
                + with(r, Metric.GPUS_LEASED) + " GPUs on an average day.";
    }

    /** Per model: mean capacity and GPUs allocated, with the previous period's and the change. */
    private static ReportView.Section modelSection(Report r) {
        Map<String, PeriodMetrics.Gpu> cur = r.current().gpusByModel();
        Map<String, PeriodMetrics.Gpu> prev =
                r.previous() == null ? Map.of() : r.previous().gpusByModel();
        Set<String> models = new java.util.TreeSet<>(cur.keySet());
        models.addAll(prev.keySet());
        List<String[]> rows = new ArrayList<>();
        for (String model : models) {
            PeriodMetrics.Gpu c = cur.get(model);
            PeriodMetrics.Gpu p = prev.get(model);
            rows.add(new String[] {
                model,
                c == null ? "0" : fmt(Metric.GPU_CAPACITY, c.capacity()),
                c == null ? "0" : fmt(Metric.GPUS_IN_USE, c.inUse()),
                c == null ? "n/a" : fmt(Metric.GPU_UTILIZATION_LEASED, c.utilizationLeasedPct()),
                p == null ? "0" : fmt(Metric.GPU_CAPACITY, p.capacity()),
                p == null ? "0" : fmt(Metric.GPUS_IN_USE, p.inUse()),
                ReportView.change(c == null || p == null ? null : Report.change(c.capacity(), p.capacity())),
                ReportView.change(c == null || p == null ? null : Report.change(c.inUse(), p.inUse()))
            });
        }
        String now = name(r.current());
        String before = r.previous() == null ? "previous" : name(r.previous());
        return new ReportView.Section(
                "GPUs by model",
                List.of(
                        "Model",
                        now + " capacity",
                        now + " allocated",
                        now + " utilisation",
                        before + " capacity",
                        before + " allocated",
                        "Capacity change",
                        "Allocated change"),
                rows,
                "Daily means.");
    }

    private static String revenueProse(Report r) {
        PeriodMetrics cur = r.current();
        return "Leases accrued " + with(r, Metric.REVENUE_USD) + " USD to providers ("
                + fmt(Metric.PAYOUTS_USD, cur.value(Metric.PAYOUTS_USD)) + " USD was paid out in the period);"
                + " since genesis " + fmt(Metric.TOTAL_REVENUE_USD, cur.value(Metric.TOTAL_REVENUE_USD)) + " USD.";
    }

    /** Revenue and new leases per calendar month of the period. */
    private static ReportView.Section monthSection(PeriodMetrics m) {
        TreeMap<String, BigDecimal[]> months = new TreeMap<>();
        for (PeriodMetrics.Bucket b : m.buckets()) {
            String month = day(b.startMillis()).toString().substring(0, 7);
            BigDecimal[] v = months.computeIfAbsent(month, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            v[0] = v[0].add(BigDecimal.valueOf(b.newLeases()));
            v[1] = v[1].add(b.revenueUsd());
        }
        List<String[]> rows = new ArrayList<>();
        months.forEach((month, v) ->
                rows.add(new String[] {month, fmt(Metric.NEW_LEASES, v[0]), fmt(Metric.REVENUE_USD, v[1])}));
        return new ReportView.Section("By month", List.of("Month", "New leases", "Lease revenue (USD)"), rows, "");
    }

    private static String providerProse(Report r) {
        PeriodMetrics cur = r.current();
        if (cur.value(Metric.ACTIVE_PROVIDERS) == null) {
            return "No provider status answers were stored for this period.";
        }
        return with(r, Metric.ACTIVE_PROVIDERS) + " providers answered their status polls on an average day ("
                + fmt(Metric.ACTIVE_PROVIDERS, cur.first(Metric.ACTIVE_PROVIDERS)) + " on the first, "
                + fmt(Metric.ACTIVE_PROVIDERS, cur.last(Metric.ACTIVE_PROVIDERS)) + " on the last). "
                + ReportView.count(cur.providers().providers()) + " providers were registered or earned in the period.";
    }

    private static String leaseProse(Report r) {
        PeriodMetrics cur = r.current();
        String s = with(r, Metric.NEW_LEASES) + " leases were created; " + with(r, Metric.ACTIVE_LEASES)
                + " were open on an average day, " + fmt(Metric.ACTIVE_LEASES, cur.first(Metric.ACTIVE_LEASES))
                + " on the first and " + fmt(Metric.ACTIVE_LEASES, cur.last(Metric.ACTIVE_LEASES)) + " on the last.";
        if (cur.leaseDurations().count() > 0) {
            s += " Of the "
                    + fmt(
                            Metric.NEW_LEASES,
                            BigDecimal.valueOf(cur.leaseDurations().count()))
                    + " leases that closed, half ran less than "
                    + cur.leaseDurations().medianHours().setScale(1, RoundingMode.HALF_EVEN) + " hours.";
        }
        return s;
    }
}

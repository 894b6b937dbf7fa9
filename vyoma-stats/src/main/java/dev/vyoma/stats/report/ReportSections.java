package dev.vyoma.stats.report;

import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.Report;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's tables beyond the summary, as {@link ReportView.Section}s: revenue by denomination, GPUs by model,
 * GPU prices, the providers' leaderboard and the lease durations; {@link ReportView} prints them as text,
 * markdown or HTML.
 */
public final class ReportSections {
    private ReportSections() {}

    /** The report's further tables, in reading order; a table with no rows is left out. */
    public static List<ReportView.Section> sections(Report r) {
        List<ReportView.Section> out = new ArrayList<>();
        PeriodMetrics cur = r.current();
        List<String[]> denoms = new ArrayList<>();
        java.util.Set<String> names =
                new java.util.TreeSet<>(cur.revenueMicroByDenom().keySet());
        names.addAll(cur.sinceGenesis().revenueMicroByDenom().keySet());
        for (String d : names) {
            BigDecimal usd = cur.revenueUsdByDenom().get(d);
            denoms.add(new String[] {
                d,
                micro(cur.revenueMicroByDenom().get(d)),
                usd == null ? "not priced" : usd(usd),
                micro(cur.sinceGenesis().revenueMicroByDenom().get(d))
            });
        }
        out.add(new ReportView.Section(
                "Revenue by denomination",
                List.of("Denomination", "Period (micro-units)", "Period (USD)", "Since genesis (micro-units)"),
                denoms,
                "Since genesis: " + usd(cur.sinceGenesis().revenueUsd()) + " USD from "
                        + ReportView.count(cur.sinceGenesis().leases()) + " leases (each day at its own USD price)."));
        List<String[]> gpus = new ArrayList<>();
        cur.gpusByModel()
                .forEach((model, g) -> gpus.add(new String[] {
                    model,
                    two(g.capacity()),
                    two(g.inUse()),
                    two(g.reserved()),
                    ReportView.pct(g.utilizationLeasedPct()),
                    ReportView.pct(g.utilizationLeasedOrReservedPct())
                }));
        out.add(new ReportView.Section(
                "GPUs by model",
                List.of(
                        "Model",
                        "Capacity (mean)",
                        "Leased (mean)",
                        "Reserved (mean)",
                        "Utilisation: leased",
                        "Utilisation: leased or reserved (Akash)"),
                gpus,
                ""));
        out.add(gpuPriceSection(cur.gpuPrices()));
        out.add(providerSection(cur.providers(), TOP_PROVIDERS));
        out.add(durationSection(cur.leaseDurations()));
        out.removeIf(sec -> sec.rows().isEmpty());
        return out;
    }

    /** Providers shown in the report's table (JSON has up to {@code Leaderboard.MAX_ROWS}). */
    public static final int TOP_PROVIDERS = 10;

    /** The first {@code top} providers by earnings, with their leases, GPUs and uptime. */
    public static ReportView.Section providerSection(dev.vyoma.stats.metrics.Leaderboard board, int top) {
        List<String[]> rows = new ArrayList<>();
        for (dev.vyoma.stats.metrics.Leaderboard.Row row : board.rows()) {
            if (rows.size() == top) {
                break;
            }
            rows.add(new String[] {
                Integer.toString(row.rank()),
                provider(row),
                usd(row.earningsUsd()),
                Long.toString(row.activeLeases()),
                Long.toString(row.gpusLeased()),
                row.gpuCapacity() == null ? "n/a" : row.gpusAllocated() + " / " + row.gpuCapacity(),
                ReportView.pct(row.uptimePct().get(0)),
                ReportView.pct(row.uptimePct().get(1)),
                ReportView.pct(row.uptimePct().get(2))
            });
        }
        return new ReportView.Section(
                "Providers by earnings",
                List.of(
                        "Rank",
                        "Provider",
                        "Earnings (USD)",
                        "Leases open",
                        "GPUs leased",
                        "GPUs allocated / offered",
                        "Uptime 1 d",
                        "Uptime 7 d",
                        "Uptime 30 d"),
                rows,
                "The first " + rows.size() + " of " + ReportView.count(board.providers())
                        + " providers. Earnings: lease revenue"
                        + " accrued to the provider in the period; leases open and GPUs leased at its last block (lease"
                        + " specs on chain); GPUs from its last status answer in the 3 hours before the end; uptime: the"
                        + " share of its status polls it answered in the 1, 7 and 30 days up to the end.");
    }

    /** How long the leases closed in the period ran: how many in each bin, and in hours the mean, median, p90. */
    public static ReportView.Section durationSection(dev.vyoma.stats.metrics.LeaseDurations d) {
        List<String[]> rows = new ArrayList<>();
        if (d.count() > 0) {
            for (int i = 0; i < d.binCounts().size(); i++) {
                long k = d.binCounts().get(i);
                rows.add(new String[] {
                    dev.vyoma.stats.metrics.LeaseDurations.BINS.get(i).name(),
                    ReportView.count(k),
                    ReportView.pct(MetricsQuery.percent(k, d.count()))
                });
            }
        }
        return new ReportView.Section(
                "Lease durations",
                List.of("Ran for", "Leases closed", "Share"),
                rows,
                d.count() == 0
                        ? ""
                        : ReportView.count(d.count())
                                + " leases closed in the period; hours from creation to close: mean "
                                + two(d.meanHours()) + ", median " + two(d.medianHours()) + ", 90th percentile "
                                + two(d.p90Hours()) + ".");
    }

    /** {@code host (vyoma1abcd…wxyz)}: the present host and the address cut to its ends. */
    private static String provider(dev.vyoma.stats.metrics.Leaderboard.Row row) {
        String a = row.provider();
        String shortAddress = a.length() > 16 ? a.substring(0, 10) + "…" + a.substring(a.length() - 4) : a;
        String host = row.hostUri().replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", "");
        return host.isEmpty() ? shortAddress : host + " (" + shortAddress + ")";
    }

    /** GPU prices by model: from bids and from leases, per GPU, USD per hour (min–median–max) and per month. */
    static ReportView.Section gpuPriceSection(dev.vyoma.stats.metrics.GpuPrices g) {
        List<String[]> rows = new ArrayList<>();
        g.models()
                .forEach((model, m) -> rows.add(new String[] {
                    model,
                    m.bids() == null
                            ? "0"
                            : ReportView.count(m.bids().count()) + " ("
                                    + m.bids().providers() + ")",
                    range(m.bids()),
                    m.bids() == null ? "" : usdOrNa(m.bids().medianPerMonth()),
                    m.leases() == null
                            ? "0"
                            : ReportView.count(m.leases().count()) + " ("
                                    + m.leases().providers() + ")",
                    range(m.leases()),
                    m.leases() == null ? "" : usdOrNa(m.leases().medianPerMonth())
                }));
        return new ReportView.Section(
                "GPU prices by model",
                List.of(
                        "Model",
                        "Bids (providers)",
                        "From bids: USD/hour min – median – max",
                        "From bids: USD/month, median",
                        "Leases (providers)",
                        "From leases: USD/hour min – median – max",
                        "From leases: USD/month, median"),
                rows,
                "Per GPU (a bid's or lease's price over its GPUs), groups asking for one model; bids: each provider's"
                        + " cheapest in the period; leases: those created in the period. Hourly at "
                        + (g.blocksPerHour() == null
                                ? "n/a blocks"
                                : g.blocksPerHour().toPlainString()
                                        + (g.blocksPerHour().compareTo(BigDecimal.ONE) == 0 ? " block" : " blocks"))
                        + " an hour (as the chain made them in the period), monthly × 24 × "
                        + dev.vyoma.stats.metrics.GpuPrices.DAYS_PER_MONTH + ".");
    }

    private static String range(dev.vyoma.stats.metrics.GpuPrices.Stats s) {
        if (s == null) {
            return "";
        }
        return usdOrNa(s.minPerHour()) + " – " + usdOrNa(s.medianPerHour()) + " – " + usdOrNa(s.maxPerHour());
    }

    private static String usdOrNa(BigDecimal v) {
        return v == null ? "n/a" : usd(v);
    }

    private static String micro(BigDecimal v) {
        return v == null ? "0" : v.toPlainString();
    }

    private static String usd(BigDecimal v) {
        return String.format("%,.2f", v.setScale(2, RoundingMode.HALF_EVEN));
    }

    private static String two(BigDecimal v) {
        return v == null ? "n/a" : v.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}

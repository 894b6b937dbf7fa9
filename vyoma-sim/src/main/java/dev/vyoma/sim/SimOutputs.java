package dev.vyoma.sim;

import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import dev.vyoma.stats.store.StatsDb;
import java.awt.Color;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes what a run measured: {@code summary.json} (the headline figures and the final ledger commitment),
 * {@code daily.csv} (per day and resource: demand, fill, unmet, time to lease, price, capacity, utilisation),
 * {@code providers.csv} (leases and payouts per provider), small PNG charts of price and utilisation by model,
 * and, indexed by {@code vyoma-stats} from the chain itself, the "State of the network" report
 * ({@code report.md}, {@code report.json}) with its charts. Nothing here depends on the wall clock, so the
 * same run writes the same bytes (the DuckDB file itself is a database, not an output to compare).
 */
public final class SimOutputs {
    private SimOutputs() {}

    /** Capacity samples per day of the run being written. */
    private static final ThreadLocal<Integer> SPD = ThreadLocal.withInitial(() -> 24);

    /** The report's figures the calibration compares, read back from {@code vyoma-stats}. */
    public record StatsFigures(Map<String, BigDecimal> values, Map<String, Object> tree) {}

    /** Writes every output of {@code sim} into {@code dir}; returns the summary as a tree. */
    public static Map<String, Object> write(MarketSim sim, Path dir, Duration simulated, boolean stats)
            throws IOException, SQLException {
        Files.createDirectories(dir);
        Map<String, Object> statsTree = stats ? statsReport(sim, dir) : null;
        Map<String, Object> summary = summary(sim, statsTree);
        Files.writeString(dir.resolve("summary.json"), JsonWriter.pretty(summary) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("daily.csv"), daily(sim), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("providers.csv"), providers(sim), StandardCharsets.UTF_8);
        charts(sim, dir.resolve("charts"));
        return summary;
    }

    static Map<String, Object> summary(MarketSim sim, Map<String, Object> statsTree) {
        Scenario sc = sim.scenario();
        SPD.set(1440 / sc.snapshotMinutes());
        Metrics m = sim.metrics;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scenario", sc.name());
        s.put("seed", sim.seed());
        s.put("blocks", sim.height());
        s.put("blockSeconds", sc.blockSeconds());
        s.put("quarterStart", sc.start().toString());
        s.put("warmupDays", sc.warmupDays());
        s.put("days", sc.days());
        s.put("stateCommitment", sim.stateHex());
        s.put("lastBlockHash", sim.blockHashHex());
        s.put("transactions", m.txs);
        s.put("messages", m.msgs);
        s.put("rejectedTransactions", m.rejectedTxs);
        s.put("bidEngineEvaluations", m.evaluations);
        s.put("bidsCreated", m.bidsCreated);
        s.put("leasesCreated", m.leasesCreated);
        s.put("leasesCreatedInQuarter", m.leasesCreatedInQuarter);
        s.put("escrowRunOutCloses", m.runOutCloses);
        s.put("leasesEndedByProviders", m.interrupted);
        s.put("endedByProvidersNotReplaced", m.notReplaced);

        Map<String, Object> quarter = new LinkedHashMap<>();
        Map<String, long[]> byResource = new TreeMap<>();
        for (Map.Entry<Integer, Map<String, Metrics.Day>> d : m.days.entrySet()) {
            if (d.getKey() < 0 || d.getKey() >= sc.days()) {
                continue;
            }
            for (Map.Entry<String, Metrics.Day> r : d.getValue().entrySet()) {
                long[] a = byResource.computeIfAbsent(r.getKey(), k -> new long[4]);
                a[0] += r.getValue().requests;
                a[1] += r.getValue().filled;
                a[2] += r.getValue().unmet;
                a[3] += r.getValue().unmetGpuHoursMilli;
            }
        }
        long req = 0, fill = 0, unmet = 0;
        Map<String, Object> per = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : byResource.entrySet()) {
            long[] a = e.getValue();
            if (a[0] == 0) {
                continue;
            }
            req += a[0];
            fill += a[1];
            unmet += a[2];
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("requests", a[0]);
            x.put("filled", a[1]);
            x.put("unmet", a[2]);
            x.put("fillRatePct", pct(a[1], a[1] + a[2]));
            if (!e.getKey().equals("cpu")) {
                x.put("unmetGpuHours", BigDecimal.valueOf(a[3], 3));
            }
            x.putAll(priceAndUse(m, e.getKey(), 0, sc.days()));
            per.put(e.getKey(), x);
        }
        quarter.put("requests", req);
        quarter.put("filled", fill);
        quarter.put("unmet", unmet);
        quarter.put("fillRatePct", pct(fill, fill + unmet));
        List<Long> all = new ArrayList<>(m.timesToLease);
        all.sort(null);
        List<Long> gpu = new ArrayList<>(m.timesToLeaseGpu);
        gpu.sort(null);
        quarter.put("timeToLeaseSeconds", times(all));
        quarter.put("gpuTimeToLeaseSeconds", times(gpu));
        quarter.put("byResource", per);
        s.put("quarter", quarter);

        List<Map<String, Object>> events = new ArrayList<>();
        for (Scenario.Event e : sc.events()) {
            if (e instanceof Scenario.Surge su) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put(
                        "event",
                        "surge ×" + su.factor() + " " + su.model() + ", days " + su.fromDay() + "–" + su.toDay());
                x.put("during", window(m, (int) Math.floor(su.fromDay()), (int) Math.ceil(su.toDay())));
                int len = (int) Math.ceil(su.toDay()) - (int) Math.floor(su.fromDay());
                x.put("before", window(m, Math.max(0, (int) Math.floor(su.fromDay()) - len), (int)
                        Math.floor(su.fromDay())));
                events.add(x);
            }
        }
        if (!events.isEmpty()) {
            s.put("surges", events);
        }
        if (statsTree != null) {
            s.put("stateOfTheNetwork", statsTree);
        }
        return s;
    }

    /** Fill, unmet, time to lease, price and utilisation of every GPU model over days {@code [from, to)}. */
    private static Map<String, Object> window(Metrics m, int from, int to) {
        Map<String, long[]> acc = new TreeMap<>();
        for (int d = from; d < to; d++) {
            for (Map.Entry<String, Metrics.Day> r :
                    m.days.getOrDefault(d, Map.of()).entrySet()) {
                if (r.getKey().equals("cpu")) {
                    continue;
                }
                long[] a = acc.computeIfAbsent(r.getKey(), k -> new long[5]);
                a[0] += r.getValue().requests;
                a[1] += r.getValue().filled;
                a[2] += r.getValue().unmet;
                a[3] += r.getValue().timeToLeaseSecondsSum;
                a[4] += r.getValue().timeToLeaseCount;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("days", from + "–" + to);
        for (Map.Entry<String, long[]> e : acc.entrySet()) {
            long[] a = e.getValue();
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("requests", a[0]);
            x.put("fillRatePct", pct(a[1], a[1] + a[2]));
            x.put("unmet", a[2]);
            x.put("meanTimeToLeaseSeconds", Metrics.ratio(a[3], a[4], 1));
            x.putAll(priceAndUse(m, e.getKey(), from, to));
            out.put(e.getKey(), x);
        }
        return out;
    }

    /** Mean price of new leases (USD per unit-hour), mean capacity, in use and utilisation over days {@code [from, to)}. */
    private static Map<String, Object> priceAndUse(Metrics m, String resource, int from, int to) {
        BigDecimal priceSum = BigDecimal.ZERO;
        long leases = 0, samples = 0, cap = 0, alloc = 0;
        for (int d = from; d < to; d++) {
            Metrics.Day x = m.days.getOrDefault(d, Map.of()).get(resource);
            if (x == null) {
                continue;
            }
            priceSum = priceSum.add(x.priceSum);
            leases += x.leases;
            samples += x.samples;
            cap += x.capacitySum;
            alloc += x.allocatedSum;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                resource.equals("cpu") ? "meanPriceUsdPerCpuHour" : "meanPriceUsdPerGpuHour",
                leases == 0 ? null : priceSum.divide(BigDecimal.valueOf(leases), 4, RoundingMode.HALF_EVEN));
        out.put("leases", leases);
        int n = Math.max(1, to - from);
        if (samples > 0) {
            long instants = (long) n * SPD.get();
            out.put("meanCapacity", Metrics.ratio(cap, instants, 1));
            out.put("meanInUse", Metrics.ratio(alloc, instants, 1));
            out.put("utilisationPct", pct(alloc, cap));
        }
        return out;
    }

    private static Map<String, Object> times(List<Long> sorted) {
        Map<String, Object> t = new LinkedHashMap<>();
        long sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        t.put("count", sorted.size());
        t.put("mean", Metrics.ratio(sum, sorted.size(), 1));
        t.put("p50", Metrics.percentile(sorted, 50));
        t.put("p90", Metrics.percentile(sorted, 90));
        t.put("p99", Metrics.percentile(sorted, 99));
        return t;
    }

    static BigDecimal pct(long part, long whole) {
        BigDecimal r = Metrics.ratio(part * 100, whole, 2);
        return r;
    }

    static String daily(MarketSim sim) {
        StringBuilder b = new StringBuilder(
                "day,date,resource,requests,filled,unmet,fill_rate_pct,mean_time_to_lease_s,new_leases,"
                        + "mean_price_usd_per_unit_hour,mean_capacity,mean_allocated,mean_reserved,utilisation_pct\n");
        Scenario sc = sim.scenario();
        for (Map.Entry<Integer, Map<String, Metrics.Day>> d : sim.metrics.days.entrySet()) {
            if (d.getKey() < 0 || d.getKey() >= sc.days()) {
                continue;
            }
            String date = Instant.ofEpochMilli(sc.start().toEpochMilli() + d.getKey() * 86_400_000L)
                    .atZone(ZoneOffset.UTC)
                    .toLocalDate()
                    .toString();
            for (Map.Entry<String, Metrics.Day> r : d.getValue().entrySet()) {
                Metrics.Day x = r.getValue();
                b.append(d.getKey())
                        .append(',')
                        .append(date)
                        .append(',')
                        .append(r.getKey())
                        .append(',');
                b.append(x.requests)
                        .append(',')
                        .append(x.filled)
                        .append(',')
                        .append(x.unmet)
                        .append(',');
                b.append(str(pct(x.filled, x.filled + x.unmet))).append(',');
                b.append(str(Metrics.ratio(x.timeToLeaseSecondsSum, x.timeToLeaseCount, 1)))
                        .append(',');
                b.append(x.leases).append(',');
                b.append(str(
                                x.leases == 0
                                        ? null
                                        : x.priceSum.divide(BigDecimal.valueOf(x.leases), 4, RoundingMode.HALF_EVEN)))
                        .append(',');
                // Network totals, averaged over the day's sampling instants (a sample is one provider at one
                // instant, so dividing by samples would give a provider's mean instead).
                b.append(str(Metrics.ratio(x.capacitySum, SPD.get(), 2))).append(',');
                b.append(str(Metrics.ratio(x.allocatedSum, SPD.get(), 2))).append(',');
                b.append(str(Metrics.ratio(x.reservedSum, SPD.get(), 2))).append(',');
                b.append(str(pct(x.allocatedSum, x.capacitySum))).append('\n');
            }
        }
        return b.toString();
    }

    private static String str(Object o) {
        return o == null ? "" : o instanceof BigDecimal d ? d.toPlainString() : o.toString();
    }

    static String providers(MarketSim sim) {
        StringBuilder b = new StringBuilder("provider,group,address,gpu_model,gpus,cpu_cores,leases,paid_usd\n");
        for (SimProvider p : sim.providers) {
            b.append(p.name)
                    .append(',')
                    .append(p.group.name())
                    .append(',')
                    .append(p.address)
                    .append(',');
            b.append(p.group.gpuModel())
                    .append(',')
                    .append(p.gpus)
                    .append(',')
                    .append(p.cpuMillis / 1000)
                    .append(',');
            b.append(p.leases).append(',');
            b.append(BigDecimal.valueOf(p.paidMicro, 6).toPlainString()).append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ charts

    static void charts(MarketSim sim, Path dir) throws IOException {
        Files.createDirectories(dir);
        Metrics m = sim.metrics;
        Scenario sc = sim.scenario();
        TreeSet<String> models = new TreeSet<>();
        for (Map<String, Metrics.Day> d : m.days.values()) {
            models.addAll(d.keySet());
        }
        models.remove("cpu");
        Map<String, List<double[]>> price = new TreeMap<>();
        Map<String, List<double[]>> util = new TreeMap<>();
        Map<String, List<double[]>> fill = new TreeMap<>();
        for (Map.Entry<Integer, Map<String, Metrics.Day>> d : m.days.entrySet()) {
            if (d.getKey() < 0 || d.getKey() >= sc.days()) {
                continue;
            }
            for (String model : models) {
                Metrics.Day x = d.getValue().get(model);
                if (x == null) {
                    continue;
                }
                if (x.leases > 0) {
                    price.computeIfAbsent(model, k -> new ArrayList<>())
                            .add(new double[] {d.getKey(), x.priceSum.doubleValue() / x.leases});
                }
                if (x.capacitySum > 0) {
                    util.computeIfAbsent(model, k -> new ArrayList<>())
                            .add(new double[] {d.getKey(), 100.0 * x.allocatedSum / x.capacitySum});
                }
                if (x.filled + x.unmet > 0) {
                    fill.computeIfAbsent(model, k -> new ArrayList<>())
                            .add(new double[] {d.getKey(), 100.0 * x.filled / (x.filled + x.unmet)});
                }
            }
        }
        png(dir.resolve("gpu-price.png"), "Mean price of new GPU leases (USD per GPU-hour)", "USD/GPU-h", price);
        png(dir.resolve("gpu-utilisation.png"), "GPU utilisation by model (leased / capacity)", "%", util);
        png(dir.resolve("gpu-fill-rate.png"), "GPU requests filled (by arrival day)", "%", fill);
    }

    private static void png(Path file, String title, String y, Map<String, List<double[]>> series) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(Charts.WIDTH)
                .height(Charts.HEIGHT)
                .title(title)
                .xAxisTitle("day of the quarter")
                .yAxisTitle(y)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setAntiAlias(true);
        if (series.isEmpty()) {
            series = Map.of("none", List.of(new double[] {0, 0}));
        }
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            double[] xs = new double[s.getValue().size()];
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = s.getValue().get(i)[0];
                ys[i] = s.getValue().get(i)[1];
            }
            XYSeries xy = chart.addSeries(s.getKey(), xs, ys);
            xy.setMarker(SeriesMarkers.NONE);
        }
        Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    // ------------------------------------------------------------------ the stats report

    /**
     * Indexes the simulated chain with {@code vyoma-stats} into {@code dir/stats.duckdb} (replacing one left from
     * a run before), stores the providers' capacity snapshots, and writes the quarter's report and charts.
     */
    static Map<String, Object> statsReport(MarketSim sim, Path dir) throws IOException, SQLException {
        Path db = dir.resolve("stats.duckdb");
        Files.deleteIfExists(db);
        Files.deleteIfExists(dir.resolve("stats.duckdb.wal"));
        Scenario sc = sim.scenario();
        try (StatsDb stats = StatsDb.open("duckdb:" + db)) {
            new Indexer(stats, sim.source(), Indexer.IN_PROCESS_BLOCKS_PER_BATCH).catchUp();
            new SnapshotStore(stats).insertAll(sim.snapshots);
            MetricsQuery q = new MetricsQuery(stats, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
            String from = sc.start().atZone(ZoneOffset.UTC).toLocalDate().toString();
            String to = sc.start()
                    .atZone(ZoneOffset.UTC)
                    .toLocalDate()
                    .plusDays(sc.days() - 1)
                    .toString();
            Report r = Report.of(q, PeriodSpec.parse(from, to), null, Duration.ofDays(1));
            List<String> files = new ArrayList<>();
            for (String f : Charts.write(r.current(), dir.resolve("report-charts"))) {
                files.add("report-charts/" + f);
            }
            String title = "State of the network (simulated): " + sc.name() + ", seed " + sim.seed();
            Files.writeString(dir.resolve("report.md"), ReportView.markdown(r, title, files), StandardCharsets.UTF_8);
            Map<String, Object> tree = ReportView.tree(r);
            Files.writeString(dir.resolve("report.json"), JsonWriter.pretty(tree) + "\n", StandardCharsets.UTF_8);
            Map<String, Object> headline = new LinkedHashMap<>();
            for (Metric m : Metric.values()) {
                headline.put(m.key(), r.current().value(m));
            }
            List<dev.vyoma.stats.metrics.PeriodMetrics.Bucket> b = r.current().buckets();
            if (!b.isEmpty()) {
                headline.put("gpuCapacityFirstDay", b.get(0).gpuCapacity());
                headline.put("gpuCapacityLastDay", b.get(b.size() - 1).gpuCapacity());
                headline.put("gpusInUseFirstDay", b.get(0).gpusInUse());
                headline.put("gpusInUseLastDay", b.get(b.size() - 1).gpusInUse());
                headline.put("activeProvidersLastDay", b.get(b.size() - 1).activeProviders());
            }
            return headline;
        }
    }
}

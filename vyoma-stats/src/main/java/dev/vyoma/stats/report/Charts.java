package dev.vyoma.stats.report;

import dev.vyoma.stats.metrics.Metric;
import dev.vyoma.stats.metrics.PeriodMetrics;
import java.awt.Color;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts, one per series: new leases per bucket, active leases, revenue (USD); for GPUs, CPU,
 * memory and storage, what providers offer against what they have allocated to leases and reserved for open bids,
 * beside what the leases on chain hold, and the four utilisations; revenue by denomination and since genesis; GPU
 * prices by model; lease durations; active providers. Doubles here are only pixels: the figures themselves stay
 * exact.
 */
public final class Charts {
    /** Pixels of each chart: small enough to commit, large enough to read. */
    public static final int WIDTH = 640;

    public static final int HEIGHT = 320;

    private Charts() {}

    /** The charts as PNG bytes by file name, in the report's order. */
    public static Map<String, byte[]> render(PeriodMetrics m) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(
                "new-leases.png",
                png(line(m, "New leases per " + unit(m), "leases", Map.of("new leases", b -> b.newLeases()))));
        out.put(
                "active-leases.png",
                png(line(
                        m,
                        "Active leases at the end of each " + unit(m),
                        "leases",
                        Map.of("active leases", b -> b.activeLeases()))));
        out.put(
                "revenue.png",
                png(line(
                        m,
                        "Lease revenue per " + unit(m) + " (USD, accrued)",
                        "USD",
                        Map.of("revenue", b -> b.revenueUsd().doubleValue()))));
        Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> denoms = new LinkedHashMap<>();
        for (String d : m.revenueUsdByDenom().keySet()) {
            denoms.put(
                    d,
                    b -> b.revenueUsdByDenom().getOrDefault(d, BigDecimal.ZERO).doubleValue());
        }
        if (denoms.isEmpty()) {
            denoms.put("revenue", b -> b.revenueUsd().doubleValue());
        }
        out.put(
                "revenue-by-denom.png",
                png(line(m, "Lease revenue per " + unit(m) + " by denomination (USD)", "USD", denoms)));
        out.put(
                "cumulative-revenue.png",
                png(line(
                        m,
                        "Lease revenue since genesis (USD, each day at its price)",
                        "USD",
                        Map.of("since genesis", b -> b.totalRevenueUsd().doubleValue()))));
        // Capacity series have no point for a bucket without capacity data.
        Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> gpu = new LinkedHashMap<>();
        gpu.put("offered", b -> b.capacityData() ? b.gpuCapacity() : Double.NaN);
        gpu.put("allocated", b -> b.capacityData() ? b.gpusInUse() : Double.NaN);
        gpu.put("reserved for bids", b -> b.capacityData() ? b.gpusReserved() : Double.NaN);
        gpu.put("leased (on chain)", b -> b.gpusLeased());
        out.put("gpus.png", png(line(m, "GPUs: offered, allocated, reserved; leased on chain", "GPUs", gpu)));
        out.put(
                "cpu.png",
                png(line(
                        m,
                        "CPU: offered, allocated, reserved; leased on chain",
                        "cores",
                        resource(b -> b.cpu(), b -> b.cpuMillis(), 1000.0))));
        out.put(
                "memory.png",
                png(line(
                        m,
                        "Memory: offered, allocated, reserved; leased on chain",
                        "GiB",
                        resource(b -> b.memory(), b -> b.memoryBytes(), GIB))));
        out.put(
                "storage.png",
                png(line(
                        m,
                        "Storage: offered, allocated, reserved; leased on chain",
                        "GiB",
                        resource(b -> b.storage(), b -> b.storageBytes(), GIB))));
        Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> util = new LinkedHashMap<>();
        util.put("GPU", b -> pct(b, Metric.GPU_UTILIZATION_LEASED_OR_RESERVED));
        util.put("CPU", b -> pct(b, Metric.CPU_UTILIZATION_LEASED_OR_RESERVED));
        util.put("memory", b -> pct(b, Metric.MEMORY_UTILIZATION_LEASED_OR_RESERVED));
        util.put("storage", b -> pct(b, Metric.STORAGE_UTILIZATION_LEASED_OR_RESERVED));
        out.put(
                "utilisation.png",
                png(line(m, "Utilisation: allocated or reserved over capacity (Akash's)", "%", util)));
        out.put("gpu-prices.png", png(gpuPrices(m)));
        out.put("lease-durations.png", png(durations(m)));
        out.put(
                "active-providers.png",
                png(line(
                        m,
                        "Active providers",
                        "providers",
                        Map.of("providers", b -> b.capacityData() ? b.activeProviders() : Double.NaN))));
        return out;
    }

    private static final double GIB = 1L << 30;

    /**
     * A resource's series: what providers offer, have allocated and have reserved (no point without capacity data),
     * and what the open leases hold on chain, each divided by {@code unit} (cores, GiB).
     */
    private static Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> resource(
            java.util.function.Function<PeriodMetrics.Bucket, PeriodMetrics.Amounts> amounts,
            ToDoubleFunction<PeriodMetrics.Bucket> leased,
            double unit) {
        Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> s = new LinkedHashMap<>();
        s.put("offered", b -> b.capacityData() ? amounts.apply(b).capacity() / unit : Double.NaN);
        s.put("allocated", b -> b.capacityData() ? amounts.apply(b).inUse() / unit : Double.NaN);
        s.put("reserved for bids", b -> b.capacityData() ? amounts.apply(b).reserved() / unit : Double.NaN);
        s.put("leased (on chain)", b -> leased.applyAsDouble(b) / unit);
        return s;
    }

    /** Writes the charts into {@code dir}; returns the file names. */
    public static List<String> write(PeriodMetrics m, Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : render(m).entrySet()) {
            java.nio.file.Files.write(dir.resolve(e.getKey()), e.getValue());
            names.add(e.getKey());
        }
        return names;
    }

    private static String unit(PeriodMetrics m) {
        List<PeriodMetrics.Bucket> b = m.buckets();
        return b.size() > 1 && b.get(1).startMillis() - b.get(0).startMillis() <= 3_600_000L ? "hour" : "day";
    }

    private static XYChart line(
            PeriodMetrics m, String title, String yTitle, Map<String, ToDoubleFunction<PeriodMetrics.Bucket>> series) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("")
                .yAxisTitle(yTitle)
                .build();
        // Below the plot, in a row: inside, it would hide the lines it names.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setDatePattern(unit(m).equals("hour") ? "HH:mm" : "MM-dd");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setAntiAlias(true);
        for (Map.Entry<String, ToDoubleFunction<PeriodMetrics.Bucket>> s : series.entrySet()) {
            // NaN: no point for that bucket.
            List<Date> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (PeriodMetrics.Bucket b : m.buckets()) {
                double v = s.getValue().applyAsDouble(b);
                if (!Double.isNaN(v)) {
                    x.add(new Date(b.startMillis()));
                    y.add(v);
                }
            }
            if (y.isEmpty()) {
                x.add(new Date(m.period().startMillis()));
                y.add(0.0);
            }
            XYSeries xy = chart.addSeries(s.getKey(), x, y);
            xy.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** An empty bar chart of the report's size on white, titled {@code title}, its y axis {@code yTitle}. */
    private static org.knowm.xchart.CategoryChart bars(String title, String yTitle) {
        org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** Median GPU prices per model, USD per hour per GPU, from bids and from leases (0 where none). */
    private static org.knowm.xchart.CategoryChart gpuPrices(PeriodMetrics m) {
        org.knowm.xchart.CategoryChart chart = bars("GPU prices by model: median USD per GPU-hour", "USD/hour");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        List<String> models = new ArrayList<>(m.gpuPrices().models().keySet());
        List<Double> bids = new ArrayList<>();
        List<Double> leases = new ArrayList<>();
        for (String model : models) {
            dev.vyoma.stats.metrics.GpuPrices.Model p = m.gpuPrices().models().get(model);
            bids.add(median(p.bids()));
            leases.add(median(p.leases()));
        }
        if (models.isEmpty()) {
            models.add("no GPU bids or leases");
            bids.add(0.0);
            leases.add(0.0);
        }
        chart.addSeries("from bids", models, bids);
        chart.addSeries("from leases", models, leases);
        return chart;
    }

    /** A bucket's percentage of a utilisation, or no point (NaN) without capacity data or capacity. */
    private static double pct(PeriodMetrics.Bucket b, Metric m) {
        BigDecimal v = b.value(m);
        return v == null ? Double.NaN : v.doubleValue();
    }

    /** How many leases closed in the period ran for how long. */
    private static org.knowm.xchart.CategoryChart durations(PeriodMetrics m) {
        org.knowm.xchart.CategoryChart chart = bars("Leases closed in the period, by how long they ran", "leases");
        chart.getStyler().setLegendVisible(false);
        List<String> bins = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < dev.vyoma.stats.metrics.LeaseDurations.BINS.size(); i++) {
            bins.add(dev.vyoma.stats.metrics.LeaseDurations.BINS.get(i).shortName());
            counts.add(m.leaseDurations().binCounts().get(i));
        }
        chart.addSeries("leases", bins, counts);
        return chart;
    }

    private static double median(dev.vyoma.stats.metrics.GpuPrices.Stats s) {
        return s == null || s.medianPerHour() == null ? 0.0 : s.medianPerHour().doubleValue();
    }

    private static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}

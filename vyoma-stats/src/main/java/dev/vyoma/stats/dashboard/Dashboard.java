package dev.vyoma.stats.dashboard;

import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodMetrics;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.metrics.Rolling24h;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma stats serve}: {@code GET /} is the dashboard (the report's table and charts for a period), {@code
 * GET /api/report?period=2025-Q1&compare=previous|none|2024-Q4} (or {@code from=&to=} instead of {@code period})
 * its JSON, {@code GET /api/charts/{name}.png?period=} a chart, {@code GET /api/rolling24h} the last 24 hours
 * (the latest indexed block against 24 hours before, as Akash's dashboard; also at the top of the page), {@code GET
 * /api/status} the indexed height. Without a period it is the 30 UTC days up to the latest indexed
 * block (ending at that block's time, not at the wall clock). Bad parameters are 400s with a message.
 */
public final class Dashboard implements AutoCloseable {
    /** Days in the default period. */
    public static final int DEFAULT_DAYS = 30;

    private final MetricsQuery query;
    private final LongSupplier indexedHeight;
    private final Javalin app;

    private Dashboard(MetricsQuery query, LongSupplier indexedHeight, String host, int port) {
        this.query = query;
        this.indexedHeight = indexedHeight;
        JsonMapper json = JsonMapper.builder().build();
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(json, false));
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            cfg.routes.get("/", this::page);
            // Browsers ask for an icon; there is none, and a 404 would be an error in their console.
            cfg.routes.get("/favicon.ico", ctx -> ctx.status(204));
            cfg.routes.get("/api/status", ctx -> ctx.json(Map.of("indexedHeight", indexedHeight.getAsLong())));
            cfg.routes.get("/api/report", ctx -> ctx.json(ReportView.tree(report(ctx))));
            cfg.routes.get("/api/rolling24h", ctx -> ctx.json(ReportView.tree(Rolling24h.of(query))));
            cfg.routes.get("/api/charts/{name}", this::chart);
            cfg.routes.exception(
                    IllegalArgumentException.class,
                    (e, ctx) -> ctx.status(400).json(Map.of("error", Map.of("message", e.getMessage()))));
            cfg.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", Map.of("message", e.getMessage()))));
        });
    }

    /** Serves on {@code host:port} (0: a free port). */
    public static Dashboard start(MetricsQuery query, LongSupplier indexedHeight, String host, int port) {
        Dashboard d = new Dashboard(query, indexedHeight, host, port);
        d.app.start();
        return d;
    }

    public int port() {
        return app.port();
    }

    private Report report(Context ctx) throws java.sql.SQLException {
        String period = ctx.queryParam("period");
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        PeriodSpec spec;
        if (period == null && from == null && to == null) {
            spec = latestDays();
        } else {
            spec = PeriodSpec.of(period, from, to);
        }
        PeriodSpec previous = PeriodSpec.comparison(spec, ctx.queryParam("compare"), "compare");
        String bucket = ctx.queryParam("bucket");
        java.time.Duration size = bucket == null
                ? null
                : switch (bucket) {
                    case "day" -> java.time.Duration.ofDays(1);
                    case "hour" -> java.time.Duration.ofHours(1);
                    default -> throw new IllegalArgumentException("bucket is day or hour, got " + bucket);
                };
        return Report.of(query, spec, previous, size);
    }

    /**
     * The {@link #DEFAULT_DAYS} UTC days up to the latest indexed block's day: the chain's present, which an
     * indexer behind (catching up, or stopped) has not reached on the wall clock.
     */
    private PeriodSpec latestDays() throws java.sql.SQLException {
        long last = query.latestBlockMillis()
                .orElseThrow(() -> new IllegalArgumentException("nothing is indexed yet: run vyoma stats index first"));
        Instant end = Instant.ofEpochMilli(last).truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        return new PeriodSpec.ByTime(end.minus(DEFAULT_DAYS, ChronoUnit.DAYS).toEpochMilli(), end.toEpochMilli());
    }

    private void chart(Context ctx) throws Exception {
        Report r = report(ctx);
        PeriodMetrics m = r.current();
        byte[] png = Charts.render(m).get(ctx.pathParam("name"));
        if (png == null) {
            throw new HttpResponseException(
                    404,
                    "no chart " + ctx.pathParam("name") + "; there are "
                            + Charts.render(m).keySet());
        }
        ctx.contentType("image/png").result(png);
    }

    private void page(Context ctx) throws Exception {
        Report r = report(ctx);
        String q = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        List<String> charts = Charts.render(r.current()).keySet().stream()
                .map(n -> "/api/charts/" + n + q)
                .toList();
        ctx.contentType("text/html; charset=utf-8")
                .result(ReportView.html(
                        r,
                        "Vyoma network (indexed to height " + indexedHeight.getAsLong() + ")",
                        charts,
                        ReportView.html(ReportView.section(Rolling24h.of(query)))));
    }

    @Override
    public void close() {
        app.stop();
    }
}

package dev.vyoma.stats.dashboard;

import dev.vyoma.http.HttpLimits;
import dev.vyoma.http.ServerGuard;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PeriodSpec;
import dev.vyoma.stats.metrics.Report;
import dev.vyoma.stats.metrics.Rolling24h;
import dev.vyoma.stats.report.Charts;
import dev.vyoma.stats.report.ReportView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma stats serve}: {@code GET /} is the dashboard (the report's table and charts for a period), {@code
 * GET /api/report?period=2025-Q1&compare=previous|none|2024-Q4} (or {@code from=&to=} instead of {@code period})
 * its JSON, {@code GET /api/charts/{name}.png?period=} a chart, {@code GET /api/rolling24h} the last 24 hours
 * (the latest indexed block against 24 hours before, as Akash's dashboard; also at the top of the page), {@code GET
 * /api/status} the indexed height, {@code GET /api/providers/uptime} each provider's uptime over 24 hours, 7 and 30
 * days. Without a period it is the 30 UTC days up to the latest indexed
 * block (ending at that block's time, not at the wall clock). Bad parameters are 400s with a message. Its
 * connections are held to {@link #LIMITS} (docs/security.md lists them).
 */
public final class Dashboard implements AutoCloseable {
    /** Days in the default period. */
    public static final int DEFAULT_DAYS = 30;

    /** Sets of rendered charts kept (each a page's, about 1 MiB). */
    public static final int CACHED_CHART_SETS = 8;

    /** Open connections at most (503 past it; past it and a small overflow, none accepted). */
    public static final int MAX_CONNECTIONS = 512;

    /** Open connections from one remote address (429 past it). */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 32;

    /** A connection with nothing to read or write for this long is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** A request head (request line and headers) must arrive within this of its first byte (slowloris). */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

    /** A connection opened past a cap that sends no request is closed after this. */
    public static final Duration OVER_CAP_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /** Largest request head: the dashboard's requests are a path and a short query. */
    public static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;

    /** Largest request body: the dashboard takes none. */
    public static final long MAX_REQUEST_BYTES = 1024;

    /** Connections waiting in the kernel to be accepted. */
    public static final int ACCEPT_QUEUE = 128;

    /** The limits a dashboard serves with unless started with others. */
    public static final HttpLimits LIMITS = new HttpLimits(
            MAX_CONNECTIONS,
            MAX_CONNECTIONS_PER_CLIENT,
            IDLE_TIMEOUT,
            HEAD_TIMEOUT,
            OVER_CAP_IDLE_TIMEOUT,
            MAX_REQUEST_HEAD_BYTES,
            ACCEPT_QUEUE);

    private final MetricsQuery query;
    private final LongSupplier indexedHeight;
    private final Javalin app;
    private final ServerGuard guard;

    /** Rendered charts by height and query, the most recent {@link #CACHED_CHART_SETS}. */
    private final Map<String, Map<String, byte[]>> rendered = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, byte[]>> eldest) {
            return size() > CACHED_CHART_SETS;
        }
    };

    private Dashboard(MetricsQuery query, LongSupplier indexedHeight, String host, int port, HttpLimits limits) {
        this.query = query;
        this.indexedHeight = indexedHeight;
        this.guard = new ServerGuard(limits, "the dashboard");
        JsonMapper json = JsonMapper.builder().build();
        this.app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson3(json, false));
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            guard.install(cfg, host, port);
            cfg.routes.get("/", this::page);
            // Browsers ask for an icon; there is none, and a 404 would be an error in their console.
            cfg.routes.get("/favicon.ico", ctx -> ctx.status(204));
            cfg.routes.get("/api/status", ctx -> ctx.json(Map.of("indexedHeight", indexedHeight.getAsLong())));
            cfg.routes.get("/api/report", ctx -> ctx.json(ReportView.tree(report(ctx))));
            cfg.routes.get("/api/rolling24h", ctx -> ctx.json(ReportView.tree(Rolling24h.of(query))));
            cfg.routes.get("/api/charts/{name}", this::chart);
            cfg.routes.get("/api/providers/uptime", this::uptime);
            cfg.routes.exception(
                    IllegalArgumentException.class,
                    (e, ctx) -> ctx.status(400).json(Map.of("error", Map.of("message", e.getMessage()))));
            cfg.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", Map.of("message", e.getMessage()))));
        });
    }

    /** Serves on {@code host:port} (0: a free port) with the default {@link #LIMITS}. */
    public static Dashboard start(MetricsQuery query, LongSupplier indexedHeight, String host, int port) {
        return start(query, indexedHeight, host, port, LIMITS);
    }

    /** Serves on {@code host:port} (0: a free port) with {@code limits}. */
    public static Dashboard start(
            MetricsQuery query, LongSupplier indexedHeight, String host, int port, HttpLimits limits) {
        Dashboard d = new Dashboard(query, indexedHeight, host, port, limits);
        d.app.start();
        return d;
    }

    /** The port the dashboard listens on. */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** The guard of its connections: how many are open, and how many were closed for a slow request head. */
    public ServerGuard guard() {
        return guard;
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

    /**
     * {@code GET /api/providers/uptime[?provider=ADDRESS]}: each provider's uptime over 24 hours, 7 days and 30
     * days up to the latest status poll ({@code asOf}); before the first poll, no items and no {@code asOf}.
     */
    private void uptime(Context ctx) throws java.sql.SQLException {
        String provider = ctx.queryParam("provider");
        if (provider != null) {
            // One spelling, checked: the address as the chain writes it.
            provider = dev.vyoma.ledger.crypto.Address.parse(provider).toString();
        }
        java.util.Optional<dev.vyoma.stats.metrics.ProviderUptime> now = query.uptimeNow();
        if (now.isEmpty()) {
            Map<String, Object> none = new java.util.LinkedHashMap<>();
            none.put("asOf", null);
            none.put("windows", dev.vyoma.stats.metrics.ProviderUptime.WINDOW_NAMES);
            none.put("providers", 0);
            none.put("items", List.of());
            ctx.json(none);
            return;
        }
        dev.vyoma.stats.metrics.ProviderUptime u = now.get();
        ctx.json((provider == null ? u : u.only(provider)).json());
    }

    private void chart(Context ctx) throws Exception {
        Map<String, byte[]> all = charts(ctx);
        byte[] png = all.get(ctx.pathParam("name"));
        if (png == null) {
            throw new HttpResponseException(404, "no chart " + ctx.pathParam("name") + "; there are " + all.keySet());
        }
        ctx.contentType("image/png").result(png);
    }

    /**
     * The charts of the report that {@code ctx}'s query names, rendered once for the page and its charts' requests
     * (a page asks for each of them at once) and kept while the index stays at the same height.
     */
    private Map<String, byte[]> charts(Context ctx) throws Exception {
        String key = indexedHeight.getAsLong() + "?" + (ctx.queryString() == null ? "" : ctx.queryString());
        synchronized (rendered) {
            Map<String, byte[]> all = rendered.get(key);
            if (all == null) {
                all = Charts.render(report(ctx).current());
                rendered.put(key, all);
            }
            return all;
        }
    }

    private void page(Context ctx) throws Exception {
        Report r = report(ctx);
        String q = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        List<String> charts =
                charts(ctx).keySet().stream().map(n -> "/api/charts/" + n + q).toList();
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

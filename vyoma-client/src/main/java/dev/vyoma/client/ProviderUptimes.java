package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Providers' uptime as a stats service publishes it ({@code vyoma stats serve}: {@code GET /api/providers/uptime},
 * docs/metrics.md), read once and checked: at most {@link #MAX_BYTES} and {@link #MAX_PROVIDERS} providers, each a
 * valid address with percentages from 0 to 100 or none; anything else is refused with what was wrong. It also
 * weighs bids for {@code vyoma deploy --pick best}: a bid's <em>uptime-weighted price</em> is
 *
 * <pre>
 *   price ÷ u,   u = max(uptime over 7 days ÷ 100, 0.01), or 0.5 when the provider was not polled in 7 days
 * </pre>
 *
 * that is, what each block the provider is actually up costs; the lowest wins, ties going to the lower price, then
 * the lower address.
 */
public final class ProviderUptimes {
    /** Largest answer read. */
    public static final int MAX_BYTES = 8 << 20;

    /** Most providers read (the stats service sends at most 10,000). */
    public static final int MAX_PROVIDERS = 10_000;

    /** The weight of a provider whose uptime is not known: as if up half the time. */
    public static final BigDecimal UNKNOWN_UPTIME = new BigDecimal("0.5");

    /** The least weight: a provider never up costs 100 times its price, so it is taken only if nobody else bid. */
    public static final BigDecimal MIN_UPTIME = new BigDecimal("0.01");

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A provider's uptime in percent over 24 hours, 7 days and 30 days; empty where it was not polled. */
    public record Uptime(Optional<BigDecimal> day, Optional<BigDecimal> week, Optional<BigDecimal> month) {
        public static final Uptime UNKNOWN = new Uptime(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private final String asOf;
    private final Map<Address, Uptime> byProvider;

    private ProviderUptimes(String asOf, Map<Address, Uptime> byProvider) {
        this.asOf = asOf;
        this.byProvider = Map.copyOf(byProvider);
    }

    /** Reads {@code GET {statsUrl}/api/providers/uptime}; an {@link IllegalArgumentException} says what failed. */
    public static ProviderUptimes fetch(String statsUrl) {
        URI base;
        try {
            base = URI.create(statsUrl.endsWith("/") ? statsUrl : statsUrl + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--stats is a URL such as http://127.0.0.1:8090, got " + statsUrl);
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new IllegalArgumentException(
                    "--stats is an http(s) URL such as http://127.0.0.1:8090, got " + statsUrl);
        }
        URI uri = base.resolve("api/providers/uptime");
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        try (http) {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(15))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException(
                        "the stats service at " + statsUrl + " answered " + r.statusCode() + " for providers' uptime");
            }
            if (body.length > MAX_BYTES) {
                throw new IllegalArgumentException(
                        "the stats service at " + statsUrl + " sent more than " + MAX_BYTES + " bytes of uptime");
            }
            return parse(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot reach the stats service at " + statsUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while reading uptime from " + statsUrl);
        }
    }

    /** Parses the JSON of {@code GET /api/providers/uptime}. */
    public static ProviderUptimes parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the stats service's uptime is not JSON");
        }
        JsonNode items = root.path("items");
        if (!items.isArray()) {
            throw new IllegalArgumentException("the stats service's uptime has no items");
        }
        if (items.size() > MAX_PROVIDERS) {
            throw new IllegalArgumentException(
                    "the stats service sent uptime for " + items.size() + " providers, more than " + MAX_PROVIDERS);
        }
        Map<Address, Uptime> out = new HashMap<>();
        for (JsonNode item : items) {
            Address p;
            try {
                p = Address.parse(item.path("provider").asString(""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "the stats service's uptime names a provider that is " + e.getMessage());
            }
            JsonNode pct = item.path("uptimePct");
            out.put(p, new Uptime(pct(pct, "24h", p), pct(pct, "7d", p), pct(pct, "30d", p)));
        }
        JsonNode asOf = root.path("asOf");
        return new ProviderUptimes(asOf.isString() ? asOf.asString() : "", out);
    }

    private static Optional<BigDecimal> pct(JsonNode pct, String window, Address provider) {
        JsonNode v = pct.path(window);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        String text = v.isString() || v.isIntegralNumber() ? v.asString() : "";
        // One spelling: digits, at most two places, no sign or exponent.
        if (text.matches("\\d{1,3}(\\.\\d{1,2})?")) {
            BigDecimal d = new BigDecimal(text);
            if (d.compareTo(HUNDRED) <= 0) {
                return Optional.of(d.setScale(2, RoundingMode.UNNECESSARY));
            }
        }
        throw new IllegalArgumentException("the stats service's " + window + " uptime of " + provider
                + " is not a percentage from 0 to 100 with at most 2 places: " + v);
    }

    /** The time the figures are up to, as the stats service said it (empty before its first poll). */
    public String asOf() {
        return asOf;
    }

    /** {@code provider}'s uptime, {@link Uptime#UNKNOWN} if the stats service has none. */
    public Uptime of(Address provider) {
        return byProvider.getOrDefault(Objects.requireNonNull(provider), Uptime.UNKNOWN);
    }

    /** The weight {@code u} of the formula above for {@code provider}. */
    public BigDecimal weight(Address provider) {
        return of(provider)
                .week()
                .map(p -> p.divide(HUNDRED, 4, RoundingMode.UNNECESSARY).max(MIN_UPTIME))
                .orElse(UNKNOWN_UPTIME);
    }

    /** {@code price ÷ weight(provider)}, to 18 places (half-even): what a block the provider is up costs. */
    public BigDecimal weightedPrice(Address provider, BigDecimal price) {
        return price.divide(weight(provider), 18, RoundingMode.HALF_EVEN);
    }
}

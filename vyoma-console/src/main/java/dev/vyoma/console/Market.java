package dev.vyoma.console;

import dev.vyoma.client.ChainIds;
import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.ProviderUptimes;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.provider.bid.Offer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * What the console reads about the market, each read bounded: the registered providers (their attributes, the
 * attributes auditors signed, what they have free, their uptime) and the bids on an order, priced per block and per
 * month. A provider's public status is asked at most every {@link #STATUS_TTL} and within {@link #STATUS_WAIT}.
 */
final class Market {
    /** How long a provider's status is reused. */
    static final Duration STATUS_TTL = Duration.ofSeconds(10);

    static final Duration STATUS_WAIT = Duration.ofSeconds(3);

    /** How long the stats service's uptimes are reused. */
    static final Duration UPTIME_TTL = Duration.ofSeconds(60);

    static final int MAX_STATUS_BYTES = 256 * 1024;

    /** Providers listed at most. */
    static final int MAX_PROVIDERS = 1_000;

    /** Days in a month for prices per month (Akash's average, as the stats reports use). */
    static final BigDecimal DAYS_PER_MONTH = dev.vyoma.stats.metrics.GpuPrices.DAYS_PER_MONTH;

    /** A registered provider as the console shows it. */
    record Provider(
            Address address,
            String hostUri,
            Map<String, String> attributes,
            List<String> audited,
            String region,
            Set<String> gpus,
            String capacity,
            String uptime,
            String problem) {}

    /** One bid on an order, with what a tenant weighs it by. */
    record Bid(
            OrderId order,
            Address provider,
            String state,
            BigDecimal pricePerBlock,
            String denom,
            String perMonth,
            String uptime,
            String region,
            String gpus,
            List<String> audited) {
        String price() {
            return pricePerBlock.stripTrailingZeros().toPlainString() + " " + denom;
        }
    }

    private record Cached(long atNanos, JsonNode status, String problem) {}

    private final VyomaClient chain;
    private final ProviderGateway gateway;
    private final Optional<String> statsUrl;
    private final Prices prices;
    private final Map<Address, Cached> statuses = new ConcurrentHashMap<>();
    private ProviderUptimes uptimes;
    private long uptimesAtNanos;

    Market(VyomaClient chain, Optional<String> statsUrl, Prices prices) {
        this.chain = chain;
        this.gateway = new ProviderGateway(chain);
        this.statsUrl = statsUrl;
        this.prices = prices;
    }

    VyomaClient chain() {
        return chain;
    }

    ProviderGateway gateway() {
        return gateway;
    }

    /** The registered providers, by address. */
    List<Provider> providers() {
        ProviderUptimes up = uptimes();
        List<Provider> out = new ArrayList<>();
        JsonNode items = chain.getJson("/v1/providers?limit=" + MAX_PROVIDERS)
                .orElseThrow()
                .path("items");
        for (JsonNode p : items) {
            out.add(provider(p, up));
        }
        out.sort(Comparator.comparing(p -> p.address().toString()));
        return out;
    }

    private Provider provider(JsonNode p, ProviderUptimes up) {
        Address address = Address.parse(p.path("owner").asString());
        Map<String, String> attrs = new java.util.TreeMap<>();
        p.path("attributes")
                .forEach(
                        a -> attrs.put(a.path("key").asString(), a.path("value").asString()));
        List<String> audited = new ArrayList<>();
        chain.getJson("/v1/audits?provider=" + address)
                .ifPresent(a -> a.path("items").forEach(x -> {
                    List<String> kv = new ArrayList<>();
                    x.path("attributes")
                            .forEach(at -> kv.add(at.path("key").asString() + "="
                                    + at.path("value").asString()));
                    audited.add(
                            String.join(", ", kv) + " (by " + x.path("auditor").asString() + ")");
                }));
        Cached s = status(address);
        Set<String> gpus = new LinkedHashSet<>();
        String capacity = "";
        if (s.status() != null) {
            try {
                gpus.addAll(Offer.parse(s.status().path("offer")).gpuKinds());
            } catch (IllegalArgumentException e) {
                // An offer that cannot be read says nothing about GPUs; the capacity below still shows.
            }
            capacity = capacity(s.status());
        }
        return new Provider(
                address,
                p.path("hostUri").asString(""),
                attrs,
                audited,
                attrs.getOrDefault("region", "—"),
                gpus,
                capacity,
                uptime(up, address),
                s.problem());
    }

    /** Free of total, per resource, from the provider's public status. */
    private static String capacity(JsonNode status) {
        List<String> parts = new ArrayList<>();
        for (String r : List.of("cpu", "memory", "storage", "gpu")) {
            JsonNode n = status.path(r);
            if (n.isObject() && n.has("total")) {
                long total = n.path("total").asLong();
                long available =
                        n.path("available").asLong(total - n.path("allocated").asLong());
                String unit = r.equals("cpu") ? " mCPU" : "";
                boolean bytes = r.equals("memory") || r.equals("storage");
                parts.add(r + " " + (bytes ? SdlCheck.bytes(available) : available + unit) + " free of "
                        + (bytes ? SdlCheck.bytes(total) : total + unit));
            }
        }
        return String.join("; ", parts);
    }

    private Cached status(Address provider) {
        Cached c = statuses.get(provider);
        if (c != null && System.nanoTime() - c.atNanos() < STATUS_TTL.toNanos()) {
            return c;
        }
        try {
            c = new Cached(System.nanoTime(), gateway.status(provider, STATUS_WAIT, MAX_STATUS_BYTES), "");
        } catch (RuntimeException e) {
            c = new Cached(System.nanoTime(), null, "status unreachable: " + e.getMessage());
        }
        statuses.put(provider, c);
        return c;
    }

    /**
     * The providers' uptime from the stats service (asked at most every {@link #UPTIME_TTL}), or none when there is no
     * stats service or it did not answer.
     */
    private synchronized ProviderUptimes uptimes() {
        if (statsUrl.isEmpty()) {
            return null;
        }
        if (uptimes != null && System.nanoTime() - uptimesAtNanos < UPTIME_TTL.toNanos()) {
            return uptimes;
        }
        try {
            uptimes = ProviderUptimes.fetch(statsUrl.get());
        } catch (RuntimeException e) {
            uptimes = null;
        }
        uptimesAtNanos = System.nanoTime();
        return uptimes;
    }

    private String uptime(ProviderUptimes up, Address p) {
        if (up == null) {
            return statsUrl.isEmpty() ? "unknown (no --stats)" : "unknown (stats did not answer)";
        }
        return up.of(p).week().map(v -> v.toPlainString() + "% (7 d)").orElse("not polled in 7 d");
    }

    /** The bids on {@code order}, cheapest first (then by provider), with each provider's facts. */
    List<Bid> bids(OrderId order) {
        List<Bid> out = new ArrayList<>();
        JsonNode items = chain.getJson("/v1/bids?order=" + order).orElseThrow().path("items");
        Map<Address, Provider> byAddress = new java.util.HashMap<>();
        List<Provider> known = providers();
        known.forEach(p -> byAddress.put(p.address(), p));
        for (JsonNode b : items) {
            var id = ChainIds.bidId(b.path("id"));
            if (!id.order().equals(order)) {
                continue;
            }
            BigDecimal price = new BigDecimal(b.path("price").path("amount").asString());
            String denom = b.path("price").path("denom").asString();
            Provider p = byAddress.get(id.provider());
            out.add(new Bid(
                    order,
                    id.provider(),
                    b.path("state").asString(),
                    price,
                    denom,
                    perMonth(price, denom),
                    p == null ? "unknown" : p.uptime(),
                    p == null ? "—" : p.region(),
                    p == null || p.gpus().isEmpty() ? "—" : String.join(", ", p.gpus()),
                    p == null ? List.of() : p.audited()));
        }
        out.sort(Comparator.comparing(Bid::pricePerBlock)
                .thenComparing(b -> b.provider().toString()));
        return out;
    }

    /** A price per block as a price per month: USD when the denomination has a price, else the denomination. */
    String perMonth(BigDecimal perBlock, String denom) {
        long intervalMs = chain.getJson("/v1/status")
                .orElseThrow()
                .path("blockIntervalMillis")
                .asLong(0);
        if (intervalMs <= 0) {
            return "—";
        }
        BigDecimal blocks = DAYS_PER_MONTH
                .multiply(BigDecimal.valueOf(86_400_000L))
                .divide(BigDecimal.valueOf(intervalMs), 6, RoundingMode.HALF_EVEN);
        BigDecimal micro = perBlock.multiply(blocks);
        return prices.usdPerMicro(denom)
                .map(u -> "$"
                        + micro.multiply(u).setScale(2, RoundingMode.HALF_EVEN).toPlainString())
                .orElse(micro.setScale(0, RoundingMode.HALF_EVEN).toPlainString() + " " + denom + " (no USD price)");
    }
}

package dev.vyoma.provider.screening;

import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.Matching;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Offer;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.JsonNode;

/**
 * {@code vyoma deploy FILE --dry-run}: asks every provider registered on the chain for its public status, reads the
 * {@link Offer} in it, and judges each group of the order with that provider's own rules ({@link BidEngine}: the
 * chain's {@link Matching} on the attributes and audits the chain holds for it, the inventory's first fit on what
 * it has free, its price list against the group's maximum). Nothing is posted. A provider whose status does not
 * come within {@link #STATUS_WAIT}, is larger than {@link #MAX_STATUS_BYTES} or is not an offer is
 * {@link Verdict.Unreachable}, with the reason.
 */
public final class Screening {
    /** How long one provider may take to answer, all of it (connection, TLS, the whole answer). */
    public static final Duration STATUS_WAIT = Duration.ofSeconds(5);
    /** The largest status read. */
    public static final int MAX_STATUS_BYTES = 256 * 1024;
    /** Providers asked; past it the rest of the list is not asked. */
    public static final int MAX_PROVIDERS = 1_000;
    /** Providers asked at once. */
    public static final int PARALLEL = 32;
    /** Characters of a reason that came from a provider. */
    public static final int MAX_WHY_CHARS = 240;

    private final VyomaClient chain;
    private final ProviderGateway gateways;
    private final Duration wait;

    /** Screening against the chain {@code chain} answers for, waiting {@link #STATUS_WAIT} for each provider. */
    public Screening(VyomaClient chain) {
        this(chain, STATUS_WAIT);
    }

    /** As {@link #Screening(VyomaClient)}, waiting {@code wait} for each provider. */
    public Screening(VyomaClient chain, Duration wait) {
        this.chain = chain;
        this.gateways = new ProviderGateway(chain);
        this.wait = wait;
    }

    /**
     * What every registered provider would do with each of {@code groups}: per group, the providers that would
     * bid (cheapest first), then those that would not, then those that could not be asked.
     */
    public List<Verdict> screen(List<GroupSpec> groups) throws InterruptedException {
        List<JsonNode> providers = providers();
        Semaphore slots = new Semaphore(PARALLEL);
        List<Future<List<Verdict>>> asked = new ArrayList<>();
        List<Verdict> out = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (JsonNode p : providers) {
                asked.add(pool.submit(() -> {
                    slots.acquire();
                    try {
                        return ask(groups, p);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<List<Verdict>> f : asked) {
                try {
                    out.addAll(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        List<String> order = groups.stream().map(GroupSpec::name).toList();
        out.sort(Comparator.<Verdict>comparingInt(v -> order.indexOf(v.group()))
                .thenComparingInt(Screening::rank)
                .thenComparing(Screening::asked)
                .thenComparing(v -> v.provider().toString()));
        return out;
    }

    /** The price a provider would ask (bidding, or stopped by the ceiling); for the others zero. */
    private static java.math.BigDecimal asked(Verdict v) {
        return switch (v) {
            case Verdict.Bids b -> b.price().amount();
            case Verdict.Excluded x ->
                x.skip().asked() == null
                        ? java.math.BigDecimal.ZERO
                        : x.skip().asked().amount();
            case Verdict.Unreachable u -> java.math.BigDecimal.ZERO;
        };
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case Verdict.Bids b -> 0;
            case Verdict.Excluded x -> 1;
            case Verdict.Unreachable u -> 2;
        };
    }

    /** The registered providers as the chain lists them, at most {@link #MAX_PROVIDERS}. */
    private List<JsonNode> providers() {
        List<JsonNode> out = new ArrayList<>();
        int offset = 0;
        while (out.size() < MAX_PROVIDERS) {
            JsonNode page = chain.getJson("/v1/providers?offset=" + offset + "&limit=" + MAX_PROVIDERS)
                    .orElseThrow();
            JsonNode items = page.path("items");
            for (JsonNode p : items) {
                if (out.size() < MAX_PROVIDERS) {
                    out.add(p);
                }
            }
            offset += items.size();
            if (!page.path("more").asBoolean(false) || items.isEmpty()) {
                break;
            }
        }
        return out;
    }

    /** One provider's verdicts on every group. */
    private List<Verdict> ask(List<GroupSpec> groups, JsonNode registered) {
        Address provider = Address.parse(registered.path("owner").asString());
        Offer offer;
        try {
            offer = Offer.parse(
                    gateways.status(provider, wait, MAX_STATUS_BYTES).get("offer"));
        } catch (ProviderGateway.GatewayException | IllegalArgumentException e) {
            String why = printable(e.getMessage());
            return groups.stream()
                    .map(g -> (Verdict) new Verdict.Unreachable(g.name(), provider, why))
                    .toList();
        }
        return judge(groups, provider, profile(provider, registered), offer);
    }

    /** What the chain holds for {@code provider}: its attributes, and what each auditor signed for it. */
    private BidEngine.Profile profile(Address provider, JsonNode registered) {
        List<Matching.Audited> audited = new ArrayList<>();
        for (JsonNode a :
                chain.getJson("/v1/audits?provider=" + provider).orElseThrow().path("items")) {
            audited.add(new Matching.Audited(a.path("auditor").asString(), attributes(a.path("attributes"))));
        }
        return new BidEngine.Profile(attributes(registered.path("attributes")), audited);
    }

    private static List<Attribute> attributes(JsonNode list) {
        List<Attribute> out = new ArrayList<>();
        for (JsonNode at : list) {
            out.add(new Attribute(at.path("key").asString(), at.path("value").asString()));
        }
        return out;
    }

    /**
     * What {@code provider} (whose chain entry is {@code profile}) would do with each group, judged by its own bid
     * engine on {@code offer}; the groups are taken one after another, as the provider takes a deployment's
     * orders, so capacity one group takes is not there for the next.
     */
    public static List<Verdict> judge(
            List<GroupSpec> groups, Address provider, BidEngine.Profile profile, Offer offer) {
        BidEngine engine = offer.engine();
        List<Verdict> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            GroupSpec group = groups.get(g);
            BidEngine.Decision d = engine.evaluate("dry-run/" + (g + 1), group, profile);
            out.add(
                    switch (d) {
                        case BidEngine.Bid b -> new Verdict.Bids(group.name(), provider, b.price());
                        case BidEngine.Skip s ->
                            new Verdict.Excluded(group.name(), provider, explained(s, offer), group.price());
                    });
        }
        return out;
    }

    /** A GPU exclusion says what the provider does offer. */
    private static BidEngine.Skip explained(BidEngine.Skip s, Offer offer) {
        if (s.by() == BidEngine.Excluded.GPU_MODEL && !offer.gpuKinds().isEmpty()) {
            return new BidEngine.Skip(s.by(), s.reason() + "; it offers " + String.join(", ", offer.gpuKinds()));
        }
        if (s.by() == BidEngine.Excluded.NO_GPU) {
            return new BidEngine.Skip(s.by(), s.reason() + "; it offers no GPU");
        }
        return s;
    }

    /** {@code s} without control characters (a provider's words must not drive the terminal), and short. */
    static String printable(String s) {
        String clean = s == null ? "" : s.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ");
        return clean.length() <= MAX_WHY_CHARS ? clean : clean.substring(0, MAX_WHY_CHARS) + "…";
    }
}

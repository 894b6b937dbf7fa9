package dev.vyoma.sim;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated provider: its key, its declared capacity, and the provider module's own {@link Inventory} and
 * {@link BidEngine} deciding what it bids. The price list is the strategy's list times this provider's jitter
 * and, for a strategy with a markup, a step of its current utilisation. What its reservations hold is tallied
 * here only to skip evaluating orders that cannot fit and to know the utilisation; the inventory decides.
 */
final class SimProvider {
    /** Steps of the utilisation markup: prices change at 0%, 10%, … 100%. */
    static final int MARKUP_STEPS = 10;

    final int index;
    final String name;
    final Scenario.ProviderGroup group;
    final KeyPair key;
    final Address address;
    final String hostUri;
    final Inventory inventory;
    final BidEngine.Profile profile;
    final List<Attribute> attributes;
    final double jitter;
    final long cpuMillis;
    final long memoryBytes;
    final long storageBytes;
    final int gpus;

    /** The strategy's price factors by resource ({@code cpu}, a GPU model, {@code *}) from price-change events. */
    final Map<String, BigDecimal> priceFactors = new TreeMap<>();

    private final Map<Integer, BidEngine> engines = new HashMap<>();
    private final Map<String, long[]> held = new HashMap<>();
    private long usedCpu;
    private long usedMemory;
    private int usedGpus;

    /** Its active leases, in id order (what it withdraws from, and closes when it goes offline). */
    final java.util.TreeSet<dev.vyoma.ledger.market.BidId> leased = new java.util.TreeSet<>();

    boolean joined;
    boolean online;
    boolean left;
    long leases;
    long paidMicro;

    SimProvider(int index, String name, Scenario.ProviderGroup group, KeyPair key, double jitter) {
        this.index = index;
        this.name = name;
        this.group = group;
        this.key = key;
        this.address = key.address();
        this.hostUri = "https://" + name + ".sim.vyoma.dev:8443";
        this.jitter = jitter;
        List<Inventory.NodeSpec> nodes = new ArrayList<>();
        for (int n = 0; n < group.nodes(); n++) {
            List<GpuDevice> devices = new ArrayList<>();
            for (int g = 0; g < group.gpusPerNode(); g++) {
                devices.add(new GpuDevice(
                        "nvidia", group.gpuModel(), Scenario.sizeOrNull(group.gpuRam()), group.gpuInterface()));
            }
            nodes.add(new Inventory.NodeSpec(
                    "node-" + n,
                    group.cpu() * 1000L,
                    group.memoryBytes(),
                    group.storageBytes(),
                    devices,
                    java.util.Set.of()));
        }
        this.inventory = new Inventory(nodes, Map.of());
        this.cpuMillis = group.cpu() * 1000L * group.nodes();
        this.memoryBytes = group.memoryBytes() * group.nodes();
        this.storageBytes = group.storageBytes() * group.nodes();
        this.gpus = group.gpusPerNode() * group.nodes();
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(new Attribute("host", "vyoma-sim"));
        if (group.hasGpus()) {
            attrs.add(new Attribute("capabilities/gpu/vendor/nvidia/model/" + group.gpuModel(), "true"));
        }
        attrs.sort(java.util.Comparator.comparing(Attribute::key));
        this.attributes = List.copyOf(attrs);
        this.profile = new BidEngine.Profile(attributes, List.of());
    }

    /** Whether the provider takes part in the market now. */
    boolean active() {
        return joined && online && !left;
    }

    /** A cheap necessary condition for {@code spec} to fit what is not yet reserved (the inventory decides). */
    boolean mightFit(GroupSpec spec, String gpuModel, long gpuUnits, long cpu, long memory) {
        if (gpuUnits > 0 && (!group.gpuModel().equals(gpuModel) || gpus - usedGpus < gpuUnits)) {
            return false;
        }
        return cpuMillis - usedCpu >= cpu && memoryBytes - usedMemory >= memory;
    }

    /**
     * The bid engine's decision for an order, with the price list for the current utilisation step; a bid holds
     * its reservation until {@link #release}.
     */
    BidEngine.Decision evaluate(String order, GroupSpec spec, Scenario.Pricing pricing, int blockSeconds) {
        BidEngine.Decision d = engine(pricing, blockSeconds).evaluate(order, spec, profile);
        if (d instanceof BidEngine.Bid) {
            long cpu = 0, mem = 0;
            int g = 0;
            for (ResourceUnit u : spec.resources()) {
                cpu += u.resources().cpu().millicores() * u.count();
                mem += u.resources().memory().bytes() * u.count();
                g += (int) (u.resources().gpu().units() * u.count());
            }
            held.put(order, new long[] {cpu, mem, g});
            usedCpu += cpu;
            usedMemory += mem;
            usedGpus += g;
        }
        return d;
    }

    /** Gives back what {@code order} holds (a lost, closed or withheld bid, or an ended lease). */
    void release(String order) {
        inventory.release(order);
        long[] h = held.remove(order);
        if (h != null) {
            usedCpu -= h[0];
            usedMemory -= h[1];
            usedGpus -= (int) h[2];
        }
    }

    /** Releases everything (the provider went offline or left: its leases are closed). */
    List<String> heldOrders() {
        return new ArrayList<>(new java.util.TreeSet<>(held.keySet()));
    }

    /** The utilisation the markup follows: GPUs for a GPU provider, else CPU. */
    double utilisation() {
        return gpus > 0 ? (double) usedGpus / gpus : (double) usedCpu / cpuMillis;
    }

    /** Forgets cached price lists (a price change). */
    void repriced() {
        engines.clear();
    }

    private BidEngine engine(Scenario.Pricing pricing, int blockSeconds) {
        int step = pricing.markup() > 0 ? (int) Math.floor(utilisation() * MARKUP_STEPS + 1e-9) : 0;
        return engines.computeIfAbsent(step, s -> new BidEngine(inventory, priceList(pricing, blockSeconds, s)));
    }

    private PriceList priceList(Scenario.Pricing p, int blockSeconds, int step) {
        BigDecimal factor = BigDecimal.valueOf(jitter)
                .multiply(BigDecimal.ONE.add(BigDecimal.valueOf(p.markup()).multiply(BigDecimal.valueOf(step, 1))));
        Map<String, BigDecimal> gpu = new TreeMap<>();
        p.gpuPerHour().forEach((model, usd) -> gpu.put(model, perBlock(usd, blockSeconds, factor(model), factor)));
        return new PriceList(
                "uusd",
                perBlock(p.cpuPerHour(), blockSeconds, factor("cpu"), factor),
                perBlock(p.memoryGiBPerHour(), blockSeconds, factor("cpu"), factor),
                Map.of(
                        "ephemeral",
                        perBlock(p.storageGiBPerHour(), blockSeconds, factor("cpu"), factor),
                        "ram",
                        perBlock(p.memoryGiBPerHour(), blockSeconds, factor("cpu"), factor)),
                gpu,
                BigDecimal.ZERO);
    }

    private BigDecimal factor(String resource) {
        BigDecimal f = priceFactors.getOrDefault(resource, BigDecimal.ONE);
        if (!resource.equals("cpu")) {
            f = f.multiply(priceFactors.getOrDefault("*", BigDecimal.ONE));
        }
        return f;
    }

    /** USD per hour to micro-units per block, times the factors, to 6 places. */
    static BigDecimal perBlock(BigDecimal usdPerHour, int blockSeconds, BigDecimal f1, BigDecimal f2) {
        return usdPerHour
                .multiply(BigDecimal.valueOf(1_000_000L * blockSeconds))
                .multiply(f1)
                .multiply(f2)
                .divide(BigDecimal.valueOf(3600), MathContext.DECIMAL64)
                .setScale(6, java.math.RoundingMode.HALF_EVEN);
    }
}

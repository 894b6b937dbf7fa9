package dev.vyoma.provider.bid;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What a provider offers now, as its public status publishes it under {@code offer}: what is free on each node
 * (neither leased nor promised in a bid) and in each persistent storage pool, and its price list. It is what a
 * tenant needs to judge an order with the provider's own rules before posting it ({@link #engine}); it names no
 * node (nodes are listed in order, unnamed) and says nothing a bid on the chain would not.
 *
 * <p>{@link #parse} reads it from a stranger: every count, size, name and price is bounded, and an answer past a
 * bound is refused with the field's path, never its content.
 */
public record Offer(List<Inventory.NodeSpec> nodes, Map<String, Long> persistentFree, PriceList prices) {
    /** Nodes in one offer. */
    public static final int MAX_NODES = 1_000;
    /** GPUs on one node. */
    public static final int MAX_GPUS_PER_NODE = 64;
    /** Persistent storage classes (in pools, on a node, or priced), and GPU models priced. */
    public static final int MAX_NAMES = 64;
    /** Characters in a name (storage class, GPU vendor, model or interface, denom). */
    public static final int MAX_NAME_CHARS = 64;
    /** Characters in a price. */
    public static final int MAX_PRICE_CHARS = 48;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*|\\*");

    public Offer {
        nodes = List.copyOf(nodes);
        persistentFree = Map.copyOf(persistentFree);
        Objects.requireNonNull(prices, "prices");
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException("an offer has 1 to " + MAX_NODES + " nodes, got " + nodes.size());
        }
    }

    /** What {@code inventory} has free now, at {@code prices}. */
    public static Offer of(Inventory inventory, PriceList prices) {
        Inventory free = inventory.unused();
        return new Offer(free.nodes(), free.persistentTotal(), prices);
    }

    /** A bid engine that decides as the provider's would, on what is free now (nothing of it is held). */
    public BidEngine engine() {
        List<Inventory.NodeSpec> named = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Inventory.NodeSpec n = nodes.get(i);
            named.add(new Inventory.NodeSpec(
                    "node-" + i, n.cpuMillis(), n.memoryBytes(), n.ephemeralBytes(), n.gpus(), n.persistentClasses()));
        }
        return new BidEngine(new Inventory(named, persistentFree), prices);
    }

    /** The GPUs offered, as {@code model ram interface} (e.g. {@code h100 80Gi sxm}), each kind once. */
    public Set<String> gpuKinds() {
        Set<String> out = new LinkedHashSet<>();
        for (Inventory.NodeSpec n : nodes) {
            for (GpuDevice d : n.gpus()) {
                out.add(d.model() + " " + d.ram() + " " + d.iface());
            }
        }
        return out;
    }

    /** The offer as the status endpoint publishes it: JSON-ready maps and lists; prices as decimal strings. */
    public Map<String, Object> toJson() {
        List<Object> list = new ArrayList<>();
        for (Inventory.NodeSpec n : nodes) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("cpu", n.cpuMillis());
            node.put("memory", n.memoryBytes());
            node.put("ephemeral", n.ephemeralBytes());
            node.put("persistent", new ArrayList<>(new java.util.TreeSet<>(n.persistentClasses())));
            // Consecutive GPUs of one kind as one entry with a count: the order of the GPUs is kept.
            List<Object> gpus = new ArrayList<>();
            GpuDevice last = null;
            Map<String, Object> entry = null;
            for (GpuDevice d : n.gpus()) {
                if (d.equals(last)) {
                    entry.put("count", (Integer) entry.get("count") + 1);
                    continue;
                }
                entry = new LinkedHashMap<>();
                entry.put("vendor", d.vendor());
                entry.put("model", d.model());
                entry.put("vramBytes", d.vramBytes());
                entry.put("interface", d.iface());
                entry.put("count", 1);
                gpus.add(entry);
                last = d;
            }
            node.put("gpus", gpus);
            list.add(node);
        }
        Map<String, Object> pricing = new LinkedHashMap<>();
        pricing.put("denom", prices.denom());
        pricing.put("cpu", plain(prices.perCpu()));
        pricing.put("memoryGi", plain(prices.perGiBMemory()));
        pricing.put("storageGi", plain(prices.perGiBStorage()));
        pricing.put("gpu", plain(prices.perGpu()));
        pricing.put("endpoint", plain(prices.perEndpoint()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", list);
        out.put("persistent", new TreeMap<>(persistentFree));
        out.put("pricing", pricing);
        return out;
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> plain(Map<String, BigDecimal> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, plain(v)));
        return out;
    }

    /**
     * Reads the {@code offer} of a provider's status (the object {@link #toJson} writes), refusing anything
     * unbounded or ill-typed with an {@link IllegalArgumentException} that names the field.
     */
    public static Offer parse(JsonNode offer) {
        if (offer == null || !offer.isObject()) {
            throw new IllegalArgumentException("the status has no offer (a provider of an older version?)");
        }
        JsonNode ns = offer.get("nodes");
        if (ns == null || !ns.isArray() || ns.isEmpty() || ns.size() > MAX_NODES) {
            throw new IllegalArgumentException("offer.nodes must list 1 to " + MAX_NODES + " nodes");
        }
        List<Inventory.NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < ns.size(); i++) {
            String at = "offer.nodes[" + i + "]";
            JsonNode n = object(ns.get(i), at);
            List<GpuDevice> gpus = new ArrayList<>();
            JsonNode gs = array(n.get("gpus"), at + ".gpus", MAX_GPUS_PER_NODE);
            for (int g = 0; g < gs.size(); g++) {
                String gat = at + ".gpus[" + g + "]";
                JsonNode e = object(gs.get(g), gat);
                long count = whole(e.get("count"), gat + ".count");
                if (count < 1 || gpus.size() + count > MAX_GPUS_PER_NODE) {
                    throw new IllegalArgumentException(
                            gat + ".count: a node has 1 to " + MAX_GPUS_PER_NODE + " GPUs in all");
                }
                long vram = whole(e.get("vramBytes"), gat + ".vramBytes");
                if (vram < 1) {
                    throw new IllegalArgumentException(gat + ".vramBytes must be positive");
                }
                GpuDevice d = new GpuDevice(
                        name(e.get("vendor"), gat + ".vendor"),
                        name(e.get("model"), gat + ".model"),
                        vram,
                        name(e.get("interface"), gat + ".interface"));
                for (long k = 0; k < count; k++) {
                    gpus.add(d);
                }
            }
            Set<String> classes = new LinkedHashSet<>();
            JsonNode ps = array(n.get("persistent"), at + ".persistent", MAX_NAMES);
            for (int p = 0; p < ps.size(); p++) {
                classes.add(name(ps.get(p), at + ".persistent[" + p + "]"));
            }
            nodes.add(new Inventory.NodeSpec(
                    "node-" + i,
                    whole(n.get("cpu"), at + ".cpu"),
                    whole(n.get("memory"), at + ".memory"),
                    whole(n.get("ephemeral"), at + ".ephemeral"),
                    gpus,
                    classes));
        }
        Map<String, Long> pools = new TreeMap<>();
        JsonNode pool = object(offer.get("persistent"), "offer.persistent");
        if (pool.size() > MAX_NAMES) {
            throw new IllegalArgumentException("offer.persistent has more than " + MAX_NAMES + " classes");
        }
        for (Map.Entry<String, JsonNode> e : pool.properties()) {
            String cls = nameText(e.getKey(), "offer.persistent");
            pools.put(cls, whole(e.getValue(), "offer.persistent." + cls));
        }
        JsonNode pr = object(offer.get("pricing"), "offer.pricing");
        PriceList prices;
        try {
            prices = new PriceList(
                    name(pr.get("denom"), "offer.pricing.denom"),
                    price(pr.get("cpu"), "offer.pricing.cpu"),
                    price(pr.get("memoryGi"), "offer.pricing.memoryGi"),
                    prices(pr.get("storageGi"), "offer.pricing.storageGi"),
                    prices(pr.get("gpu"), "offer.pricing.gpu"),
                    price(pr.get("endpoint"), "offer.pricing.endpoint"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("offer.pricing: " + e.getMessage());
        }
        return new Offer(nodes, pools, prices);
    }

    private static JsonNode object(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(at + " must be an object");
        }
        return n;
    }

    private static JsonNode array(JsonNode n, String at, int max) {
        if (n == null || !n.isArray() || n.size() > max) {
            throw new IllegalArgumentException(at + " must be a list of at most " + max);
        }
        return n;
    }

    private static long whole(JsonNode n, String at) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IllegalArgumentException(at + " must be a whole number from 0 to " + Long.MAX_VALUE);
        }
        return n.asLong();
    }

    private static String name(JsonNode n, String at) {
        if (n == null || !n.isString()) {
            throw new IllegalArgumentException(at + " must be a string");
        }
        return nameText(n.asString(), at);
    }

    private static String nameText(String s, String at) {
        if (s.length() > MAX_NAME_CHARS || !NAME.matcher(s).matches()) {
            throw new IllegalArgumentException(at + " must be a lower-case name of at most " + MAX_NAME_CHARS
                    + " characters (a-z, 0-9, '.', '_', '-')");
        }
        return s;
    }

    private static BigDecimal price(JsonNode n, String at) {
        if (n == null || !n.isString() || n.asString().length() > MAX_PRICE_CHARS) {
            throw new IllegalArgumentException(
                    at + " must be a decimal in a string of at most " + MAX_PRICE_CHARS + " characters");
        }
        String s = n.asString();
        BigDecimal d;
        try {
            if (!s.matches("[0-9]+(\\.[0-9]+)?")) {
                throw new NumberFormatException();
            }
            d = new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(at + " must be a decimal such as 12.5");
        }
        if (d.scale() > dev.vyoma.sdl.spec.DecCoin.SCALE) {
            throw new IllegalArgumentException(
                    at + " has more than " + dev.vyoma.sdl.spec.DecCoin.SCALE + " decimal places");
        }
        return d;
    }

    private static Map<String, BigDecimal> prices(JsonNode n, String at) {
        JsonNode m = object(n, at);
        if (m.size() > MAX_NAMES) {
            throw new IllegalArgumentException(at + " has more than " + MAX_NAMES + " prices");
        }
        Map<String, BigDecimal> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            String k = nameText(e.getKey(), at);
            out.put(k, price(e.getValue(), at + "." + k));
        }
        return out;
    }
}

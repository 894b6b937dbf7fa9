package dev.vyoma.sim;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A market to simulate: when and how long, the pricing strategies, the provider groups, the tenant workload
 * kinds and the events. Prices are USD per hour in the file (converted to micro-units per block when run);
 * sizes are SDL sizes ({@code 512Mi}, {@code 1Ti}); days count from {@code start}, and a warm-up of
 * {@code warmupDays} runs before it so that the quarter starts with a market already in use.
 */
public record Scenario(
        String name,
        Instant start,
        int warmupDays,
        int days,
        int blockSeconds,
        long seed,
        int snapshotMinutes,
        int bidders,
        int tenantAccounts,
        Map<String, Pricing> pricing,
        List<ProviderGroup> providers,
        List<TenantKind> tenants,
        List<Event> events) {

    /** Limits on a scenario, so that a typo cannot ask for a billion providers. */
    public static final int MAX_DAYS = 400;

    public static final int MAX_PROVIDERS = 2_000;
    public static final int MAX_TENANT_ACCOUNTS = 100_000;

    /**
     * A pricing strategy: list prices (USD per hour) per CPU, per GiB of memory and storage, per GPU by model
     * ({@code *} for any other); each provider's list is scaled by a factor drawn in {@code [1 − jitter, 1 +
     * jitter]}; with {@code markup} above 0 the price rises linearly with the provider's GPU (or, without GPUs,
     * CPU) utilisation, up to {@code 1 + markup} times the list when full, in steps of {@code 10%}.
     */
    public record Pricing(
            String name,
            BigDecimal cpuPerHour,
            BigDecimal memoryGiBPerHour,
            BigDecimal storageGiBPerHour,
            Map<String, BigDecimal> gpuPerHour,
            double jitter,
            double markup) {}

    /** Failures of a provider: on average every {@code mtbfDays}, offline for {@code downHours}. */
    public record Failure(double mtbfDays, double downHours) {}

    /**
     * {@code count} providers alike: {@code nodes} nodes each of {@code cpu} cores, memory and storage bytes,
     * and {@code gpusPerNode} GPUs of one model; they join spread evenly between {@code joinFromDay} and
     * {@code joinToDay} (0 or less: from the start of the warm-up).
     */
    public record ProviderGroup(
            String name,
            int count,
            int nodes,
            int cpu,
            long memoryBytes,
            long storageBytes,
            String gpuModel,
            int gpusPerNode,
            String gpuRam,
            String gpuInterface,
            String pricing,
            double joinFromDay,
            double joinToDay,
            Failure failure) {
        /** Whether the group's nodes have GPUs. */
        public boolean hasGpus() {
            return gpusPerNode > 0;
        }
    }

    /**
     * A kind of workload tenants deploy: arrivals per day (Poisson, rising linearly from {@code arrivalsPerDay}
     * at the start of the quarter to {@code arrivalsPerDayEnd} at its end, the start rate during the warm-up),
     * one group of {@code replicas} replicas, a duration (exponential or log-normal with {@code durationSigma}),
     * the most the tenant pays (USD per hour for the whole deployment), how it chooses among bids
     * ({@code cheapest} or {@code random}), and how long it waits for a bid before closing the deployment and
     * trying again ({@code patienceMinutes}, up to {@code retries} times, {@code retryMinutes} later).
     */
    public record TenantKind(
            String name,
            double arrivalsPerDay,
            double arrivalsPerDayEnd,
            String cpu,
            String memory,
            String storage,
            int gpus,
            String gpuModel,
            int replicas,
            double durationHours,
            String durationDistribution,
            double durationSigma,
            BigDecimal maxPriceUsdPerHour,
            String choose,
            int patienceMinutes,
            int retries,
            int retryMinutes) {
        /** Whether this kind asks for GPUs. */
        public boolean gpu() {
            return gpus > 0;
        }
    }

    /** Something that happens to the market at a given time. */
    public sealed interface Event {}

    /** Arrivals of every tenant kind asking for {@code model} ({@code *}: any GPU) multiplied by {@code factor}. */
    public record Surge(String model, double factor, double fromDay, double toDay) implements Event {}

    /** Every provider of {@code group} closes its leases and leaves the market on {@code day}. */
    public record ProviderLeaves(String group, double day) implements Event {}

    /** From {@code day}, strategy {@code pricing} multiplies its price of {@code resource} (a GPU model, {@code cpu} or {@code *}). */
    public record PriceChange(String pricing, String resource, double factor, double day) implements Event {}

    /** Blocks in the warm-up plus the quarter. */
    public long totalBlocks() {
        return (long) (warmupDays + days) * 86_400L / blockSeconds;
    }

    /** The simulated clock's first block time: the warm-up's start. */
    public long genesisMillis() {
        return start.toEpochMilli() - warmupDays * 86_400_000L;
    }

    // ------------------------------------------------------------------ parsing

    /** Parses a scenario file's text; {@code file} names it in errors. */
    public static Scenario parse(String yaml, String file) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(file).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new ScenarioException(file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new ScenarioException(file + ": the scenario must be a YAML mapping");
        }
        Node n = new Node(file, "", m);
        n.allow(
                "name",
                "start",
                "warmupDays",
                "days",
                "blockSeconds",
                "seed",
                "snapshotMinutes",
                "bidders",
                "tenantAccounts",
                "pricing",
                "providers",
                "tenants",
                "events");
        String name = n.string("name", null);
        Instant start;
        try {
            start = Instant.parse(n.string("start", "2025-01-01T00:00:00Z"));
        } catch (DateTimeParseException e) {
            throw n.error("start", "is not an instant such as 2025-01-01T00:00:00Z");
        }
        int warmup = n.integer("warmupDays", 0, 0, MAX_DAYS);
        int days = n.integer("days", null, 1, MAX_DAYS);
        int blockSeconds = n.integer("blockSeconds", 6, 1, 3600);
        long seed = n.longValue("seed", 1L);
        int snapshotMinutes = n.integer("snapshotMinutes", 60, 1, 180);
        if ((snapshotMinutes * 60) % blockSeconds != 0 || 1440 % snapshotMinutes != 0) {
            throw n.error("snapshotMinutes", "must divide a day and be a whole number of blocks");
        }
        int bidders = n.integer("bidders", 3, 1, dev.vyoma.ledger.machine.Params.MAX_BIDS_PER_ORDER);
        int accounts = n.integer("tenantAccounts", 200, 1, MAX_TENANT_ACCOUNTS);

        Map<String, Pricing> pricing = new TreeMap<>();
        Node pn = n.map("pricing");
        for (String key : pn.keys()) {
            Node p = pn.map(key);
            p.allow("cpuPerHour", "memoryGiBPerHour", "storageGiBPerHour", "gpuPerHour", "jitter", "markup");
            Map<String, BigDecimal> gpu = new TreeMap<>();
            if (p.has("gpuPerHour")) {
                Node g = p.map("gpuPerHour");
                for (String model : g.keys()) {
                    gpu.put(model.toLowerCase(Locale.ROOT), g.decimal(model, null));
                }
            }
            pricing.put(
                    key,
                    new Pricing(
                            key,
                            p.decimal("cpuPerHour", null),
                            p.decimal("memoryGiBPerHour", BigDecimal.ZERO),
                            p.decimal("storageGiBPerHour", BigDecimal.ZERO),
                            gpu,
                            p.fraction("jitter", 0.0, 0.0, 0.9),
                            p.fraction("markup", 0.0, 0.0, 10.0)));
        }

        List<ProviderGroup> providers = new ArrayList<>();
        Set<String> groupNames = new java.util.HashSet<>();
        int totalProviders = 0;
        List<Node> pl = n.list("providers");
        if (pl.isEmpty()) {
            throw n.error("providers", "needs at least one provider group");
        }
        for (Node p : pl) {
            p.allow(
                    "name",
                    "count",
                    "nodes",
                    "cpu",
                    "memory",
                    "storage",
                    "gpu",
                    "pricing",
                    "joinFromDay",
                    "joinToDay",
                    "failure");
            String gname = p.uniqueName(groupNames, "provider groups");
            int count = p.integer("count", 1, 1, MAX_PROVIDERS);
            totalProviders += count;
            if (totalProviders > MAX_PROVIDERS) {
                throw p.error("count", "brings the providers past " + MAX_PROVIDERS);
            }
            String model = "";
            int gpus = 0;
            String ram = "";
            String iface = "";
            if (p.has("gpu")) {
                Node g = p.map("gpu");
                g.allow("model", "perNode", "ram", "interface");
                model = g.string("model", null).toLowerCase(Locale.ROOT);
                gpus = g.integer("perNode", null, 1, 64);
                ram = g.string("ram", "80Gi");
                iface = g.string("interface", "pcie");
                if (sizeOrNull(ram) == null) {
                    throw g.error("ram", "is not a size such as 80Gi");
                }
            }
            String strategy = p.string("pricing", null);
            if (!pricing.containsKey(strategy)) {
                throw p.error("pricing", "names no strategy under pricing (have " + pricing.keySet() + ")");
            }
            if (!model.isEmpty()
                    && !pricing.get(strategy).gpuPerHour().containsKey(model)
                    && !pricing.get(strategy).gpuPerHour().containsKey("*")) {
                throw p.error("pricing", "strategy " + strategy + " has no gpuPerHour for " + model + " (or *)");
            }
            double from = p.number("joinFromDay", 0.0, -MAX_DAYS, MAX_DAYS);
            double to = p.number("joinToDay", from, from, MAX_DAYS);
            Failure failure = null;
            if (p.has("failure")) {
                Node f = p.map("failure");
                f.allow("mtbfDays", "downHours");
                failure =
                        new Failure(f.number("mtbfDays", null, 0.1, 10_000), f.number("downHours", 6.0, 0.01, 10_000));
            }
            providers.add(new ProviderGroup(
                    gname,
                    count,
                    p.integer("nodes", 1, 1, 256),
                    p.integer("cpu", null, 1, 4096),
                    p.size("memory"),
                    p.size("storage"),
                    model,
                    gpus,
                    ram,
                    iface,
                    strategy,
                    from,
                    to,
                    failure));
        }

        List<TenantKind> tenants = new ArrayList<>();
        List<Node> tl = n.list("tenants");
        if (tl.isEmpty()) {
            throw n.error("tenants", "needs at least one workload kind");
        }
        Set<String> kindNames = new java.util.HashSet<>();
        for (Node t : tl) {
            t.allow(
                    "name",
                    "arrivalsPerDay",
                    "arrivalsPerDayEnd",
                    "cpu",
                    "memory",
                    "storage",
                    "gpu",
                    "replicas",
                    "durationHours",
                    "durationDistribution",
                    "durationSigma",
                    "maxPriceUsdPerHour",
                    "choose",
                    "patienceMinutes",
                    "retries",
                    "retryMinutes");
            String kname = t.uniqueName(kindNames, "tenant kinds");
            double rate = t.number("arrivalsPerDay", null, 0, 1_000_000);
            int gpus = 0;
            String model = "";
            if (t.has("gpu")) {
                Node g = t.map("gpu");
                g.allow("units", "model");
                gpus = g.integer("units", null, 1, 64);
                model = g.string("model", null).toLowerCase(Locale.ROOT);
            }
            String dist = t.string("durationDistribution", "exponential");
            if (!dist.equals("exponential") && !dist.equals("lognormal")) {
                throw t.error("durationDistribution", "must be exponential or lognormal, not " + dist);
            }
            String choose = t.string("choose", "cheapest");
            if (!choose.equals("cheapest") && !choose.equals("random")) {
                throw t.error("choose", "must be cheapest or random, not " + choose);
            }
            String cpu = t.string("cpu", null);
            try {
                if (new BigDecimal(cpu).signum() <= 0) {
                    throw t.error("cpu", "must be above 0");
                }
            } catch (NumberFormatException e) {
                throw t.error("cpu", "is not a number of cores such as 0.5");
            }
            String memory = t.string("memory", null);
            String storage = t.string("storage", null);
            if (sizeOrNull(memory) == null) {
                throw t.error("memory", "is not a size such as 512Mi");
            }
            if (sizeOrNull(storage) == null) {
                throw t.error("storage", "is not a size such as 1Gi");
            }
            tenants.add(new TenantKind(
                    kname,
                    rate,
                    t.number("arrivalsPerDayEnd", rate, 0, 1_000_000),
                    cpu,
                    memory,
                    storage,
                    gpus,
                    model,
                    t.integer("replicas", 1, 1, 100),
                    t.number("durationHours", null, 0.01, 24 * MAX_DAYS),
                    dist,
                    t.number("durationSigma", 1.0, 0.01, 5),
                    t.decimal("maxPriceUsdPerHour", null),
                    choose,
                    t.integer("patienceMinutes", 10, 1, 100_000),
                    t.integer("retries", 0, 0, 100),
                    t.integer("retryMinutes", 60, 1, 100_000)));
        }

        List<Event> events = new ArrayList<>();
        if (n.has("events")) {
            for (Node e : n.list("events")) {
                String kind = e.string("kind", null);
                switch (kind) {
                    case "surge" -> {
                        e.allow("kind", "model", "factor", "fromDay", "toDay");
                        double from = e.number("fromDay", null, 0, MAX_DAYS);
                        events.add(new Surge(
                                e.string("model", "*").toLowerCase(Locale.ROOT),
                                e.number("factor", null, 0, 1000),
                                from,
                                e.number("toDay", null, from, MAX_DAYS)));
                    }
                    case "providerLeaves" -> {
                        e.allow("kind", "group", "day");
                        String g = e.string("group", null);
                        if (!groupNames.contains(g)) {
                            throw e.error(
                                    "group",
                                    "names no provider group (have " + new java.util.TreeSet<>(groupNames) + ")");
                        }
                        events.add(new ProviderLeaves(g, e.number("day", null, 0, MAX_DAYS)));
                    }
                    case "priceChange" -> {
                        e.allow("kind", "pricing", "resource", "factor", "day");
                        String p = e.string("pricing", null);
                        if (!pricing.containsKey(p)) {
                            throw e.error("pricing", "names no strategy under pricing");
                        }
                        events.add(new PriceChange(
                                p,
                                e.string("resource", "*").toLowerCase(Locale.ROOT),
                                e.number("factor", null, 0.01, 100),
                                e.number("day", null, 0, MAX_DAYS)));
                    }
                    default -> throw e.error("kind", "must be surge, providerLeaves or priceChange, not " + kind);
                }
            }
        }
        return new Scenario(
                name,
                start,
                warmup,
                days,
                blockSeconds,
                seed,
                snapshotMinutes,
                bidders,
                accounts,
                pricing,
                List.copyOf(providers),
                List.copyOf(tenants),
                List.copyOf(events));
    }

    /** Bytes of an SDL size ({@code 512Mi}, {@code 1Ti}, {@code 2G}, {@code 1000}), or null. */
    static Long sizeOrNull(String s) {
        if (s == null) {
            return null;
        }
        Map<String, Long> units = new LinkedHashMap<>();
        units.put("Ki", 1L << 10);
        units.put("Mi", 1L << 20);
        units.put("Gi", 1L << 30);
        units.put("Ti", 1L << 40);
        units.put("k", 1_000L);
        units.put("M", 1_000_000L);
        units.put("G", 1_000_000_000L);
        units.put("T", 1_000_000_000_000L);
        for (Map.Entry<String, Long> u : units.entrySet()) {
            if (s.endsWith(u.getKey())) {
                try {
                    long v = Long.parseLong(
                            s.substring(0, s.length() - u.getKey().length()));
                    return v > 0 ? Math.multiplyExact(v, u.getValue()) : null;
                } catch (NumberFormatException | ArithmeticException e) {
                    return null;
                }
            }
        }
        try {
            long v = Long.parseLong(s);
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A mapping in the file with its path, for reading fields and saying which one is wrong. */
    private record Node(String file, String path, Map<?, ?> map) {
        ScenarioException error(String field, String why) {
            return new ScenarioException(file + ": " + at(field) + " " + why);
        }

        String at(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        /** Its required {@code name}, added to {@code taken}; an error if another of the {@code kind} has it. */
        String uniqueName(Set<String> taken, String kind) {
            String name = string("name", null);
            if (!taken.add(name)) {
                throw error("name", "'" + name + "' names two " + kind);
            }
            return name;
        }

        boolean has(String field) {
            return map.get(field) != null;
        }

        List<String> keys() {
            List<String> out = new ArrayList<>();
            for (Object k : map.keySet()) {
                out.add(String.valueOf(k));
            }
            return out;
        }

        void allow(String... fields) {
            Set<String> ok = Set.of(fields);
            for (Object k : map.keySet()) {
                if (!ok.contains(String.valueOf(k))) {
                    throw new ScenarioException(file + ": " + at(String.valueOf(k)) + " is not a known field (known: "
                            + String.join(", ", fields) + ")");
                }
            }
        }

        private Object required(String field, Object dflt) {
            Object v = map.get(field);
            if (v == null) {
                if (dflt == null) {
                    throw error(field, "is missing");
                }
                return dflt;
            }
            return v;
        }

        String string(String field, String dflt) {
            Object v = required(field, dflt);
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw error(field, "must be a single value");
            }
            String s = String.valueOf(v);
            if (s.isBlank()) {
                throw error(field, "must not be empty");
            }
            return s;
        }

        int integer(String field, Integer dflt, int min, int max) {
            long v = longValue(field, dflt == null ? null : (long) dflt);
            if (v < min || v > max) {
                throw error(field, "must be from " + min + " to " + max + ", not " + v);
            }
            return (int) v;
        }

        long longValue(String field, Long dflt) {
            Object v = required(field, dflt);
            if (!(v instanceof Integer || v instanceof Long)) {
                throw error(field, "must be a whole number, not " + v);
            }
            return ((Number) v).longValue();
        }

        double number(String field, Double dflt, double min, double max) {
            Object v = required(field, dflt);
            if (!(v instanceof Number num)) {
                throw error(field, "must be a number, not " + v);
            }
            double d = num.doubleValue();
            if (!(d >= min && d <= max)) {
                throw error(field, "must be from " + min + " to " + max + ", not " + v);
            }
            return d;
        }

        double fraction(String field, double dflt, double min, double max) {
            return number(field, dflt, min, max);
        }

        BigDecimal decimal(String field, BigDecimal dflt) {
            Object v = required(field, dflt);
            try {
                BigDecimal d = new BigDecimal(String.valueOf(v));
                if (d.signum() < 0) {
                    throw error(field, "must not be negative");
                }
                return d;
            } catch (NumberFormatException e) {
                throw error(field, "must be a decimal number, not " + v);
            }
        }

        long size(String field) {
            String s = string(field, null);
            Long v = sizeOrNull(s);
            if (v == null) {
                throw error(field, "is not a size such as 512Mi or 1Ti");
            }
            return v;
        }

        Node map(String field) {
            Object v = map.get(field);
            if (!(v instanceof Map<?, ?> m)) {
                throw error(field, v == null ? "is missing" : "must be a mapping");
            }
            return new Node(file, at(field), m);
        }

        List<Node> list(String field) {
            Object v = map.get(field);
            if (!(v instanceof List<?> l)) {
                throw error(field, v == null ? "is missing" : "must be a list");
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Map<?, ?> m)) {
                    throw new ScenarioException(file + ": " + at(field) + "[" + i + "] must be a mapping");
                }
                out.add(new Node(file, at(field) + "[" + i + "]", m));
            }
            return out;
        }
    }
}

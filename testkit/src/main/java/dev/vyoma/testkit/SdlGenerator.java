package dev.vyoma.testkit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generates random but valid Akash SDL documents (versions 2.0 and 2.1) from a seed, as trees of
 * {@link LinkedHashMap}, {@link List} and scalars that {@link YamlText} writes as YAML. The same seed
 * always gives the same tree.
 *
 * <p>A document has 1–5 services (or a chosen number), each with an image, optional command, args and
 * environment, and exposes (ports, {@code as}, protocols in any case, destinations {@code global: true}
 * or another service, unique {@code accept} hostnames, {@code http_options} within Akash's bounds); at
 * least one expose is global. Each service has a compute profile (CPU as cores or millicores, memory,
 * one storage mapping or a list of volumes, some persistent or RAM-backed and then mounted by the
 * service, an optional GPU block); some services share a profile, and some profiles are exact copies
 * of another under a new name, so {@link YamlText.Style#aliases()} finds repeated sub-trees. Services are
 * deployed to 1–2 of 1–3 placement profiles, with optional attributes and {@code signedBy}, priced in
 * {@code uusd} for every compute profile used there, with counts 1–5. Every total stays far below
 * Akash's per-group limits.
 *
 * <pre>{@code
 * Map<String, Object> tree = new SdlGenerator(Seeds.random(seed)).document();
 * String yaml = YamlText.write(tree);
 * }</pre>
 */
public final class SdlGenerator {
    /** The price denomination of every generated document. */
    public static final String DENOM = "uusd";

    /** Akash's limit on resource units (here: services) in one placement group. */
    private static final int SERVICES_PER_PLACEMENT = 20;

    private final SplittableRandom random;
    private int minServices = 1;
    private int maxServices = 5;

    /** A generator drawing from {@code random}. */
    public SdlGenerator(SplittableRandom random) {
        this.random = random;
    }

    /** One document from {@code seed}. */
    public static Map<String, Object> generate(long seed) {
        return new SdlGenerator(new SplittableRandom(seed)).document();
    }

    /** Makes every document have exactly {@code count} services (at least 1). */
    public SdlGenerator services(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a document needs at least one service");
        }
        this.minServices = count;
        this.maxServices = count;
        return this;
    }

    /** A new random valid document, built of mutable {@link LinkedHashMap}s and {@link ArrayList}s. */
    public Map<String, Object> document() {
        return copyDocument(new Build().document());
    }

    /** A deep copy of a tree of maps, lists and scalars, with new {@link LinkedHashMap}s and lists. */
    public static Object copy(Object tree) {
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, copy(v)));
            return out;
        }
        if (tree instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(copy(item)));
            return out;
        }
        return tree;
    }

    /** A deep copy of a document. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copyDocument(Map<String, Object> document) {
        return (Map<String, Object>) copy(document);
    }

    /** A mapping from alternating keys and values; null values are kept. */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** The state of one document while it is generated. */
    private final class Build {
        private final Set<String> hostnames = new HashSet<>();
        private final List<String> services = new ArrayList<>();
        private final Map<String, String> profileOf = new LinkedHashMap<>();
        private final Map<String, Object> compute = new LinkedHashMap<>();
        private final List<String> placements = new ArrayList<>();
        private final Map<String, List<String>> placementsOf = new LinkedHashMap<>();
        private boolean manyServices;

        Map<String, Object> document() {
            String version = random.nextBoolean() ? "2.0" : "2.1";
            int count = between(minServices, maxServices);
            manyServices = count > 5;
            services.addAll(uniqueNames(count, this::serviceName));
            for (int i = 0; i < services.size(); i++) {
                assignProfile(i);
            }
            assignPlacements();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("version", version);
            doc.put("services", servicesTree());
            doc.put("profiles", map("compute", compute, "placement", placementProfiles()));
            doc.put("deployment", deployment());
            return doc;
        }

        // ----- names -----

        private List<String> uniqueNames(int count, Supplier<String> name) {
            Set<String> names = new LinkedHashSet<>();
            while (names.size() < count) {
                names.add(name.get());
            }
            return new ArrayList<>(names);
        }

        /** A name matching {@code ^[a-z]([-a-z0-9]*[a-z0-9])?$}. */
        private String serviceName() {
            return switch (random.nextInt(4)) {
                case 0, 1 -> pick(SdlVocabulary.SERVICE_WORDS);
                case 2 -> pick(SdlVocabulary.SERVICE_WORDS) + "-" + random.nextInt(100);
                default -> randomLabel(1, 16);
            };
        }

        /** A DNS label: a letter, then letters, digits and inner hyphens; {@code min}–{@code max} long. */
        private String randomLabel(int min, int max) {
            int length = between(min, max);
            StringBuilder sb = new StringBuilder()
                    .append(SdlVocabulary.LOWER.charAt(random.nextInt(SdlVocabulary.LOWER.length())));
            for (int i = 1; i < length; i++) {
                boolean last = i == length - 1;
                if (!last && random.nextInt(6) == 0) {
                    sb.append('-');
                } else {
                    sb.append(SdlVocabulary.LOWER_DIGITS.charAt(random.nextInt(SdlVocabulary.LOWER_DIGITS.length())));
                }
            }
            return sb.toString();
        }

        private String hostname() {
            String host;
            do {
                host = randomLabel(1, 12) + "." + randomLabel(2, 10) + "." + pick(List.of("com", "io", "net", "dev"));
            } while (!hostnames.add(host));
            return host;
        }

        // ----- compute profiles -----

        /** Gives service {@code i} a new profile, a copy of an earlier one under a new name, or an earlier one. */
        private void assignProfile(int i) {
            String service = services.get(i);
            int choice = i == 0 ? 0 : random.nextInt(10);
            if (choice == 1 || choice == 2) {
                profileOf.put(service, profileOf.get(services.get(random.nextInt(i))));
                return;
            }
            String name = service;
            for (int k = 2; compute.containsKey(name); k++) {
                name = service + "-" + k;
            }
            Object profile = choice == 3 || choice == 4
                    ? copy(compute.get(profileOf.get(services.get(random.nextInt(i)))))
                    : computeProfile();
            compute.put(name, profile);
            profileOf.put(service, name);
        }

        private Map<String, Object> computeProfile() {
            Map<String, Object> resources = new LinkedHashMap<>();
            resources.put("cpu", cpu());
            resources.put("memory", map("size", memory()));
            resources.put("storage", storage());
            if (random.nextInt(4) == 0) {
                resources.put("gpu", gpu());
            }
            return map("resources", resources);
        }

        private Map<String, Object> cpu() {
            Map<String, Object> cpu = map("units", cpuUnits());
            if (random.nextInt(10) == 0) {
                cpu.put("attributes", map("arch", pick(List.of("amd64", "arm64"))));
            }
            return cpu;
        }

        /** Whole cores, tenths of cores, or millicores as text ({@code "250m"}); always at least 10m. */
        private Object cpuUnits() {
            return switch (random.nextInt(3)) {
                case 0 -> (long) between(1, 8);
                case 1 -> BigDecimal.valueOf(between(1, 80), 1);
                default -> between(10, 8000) + "m";
            };
        }

        private String memory() {
            if (!manyServices && random.nextInt(20) == 0) {
                return between(1, 2) + "Ti";
            }
            return random.nextBoolean() ? between(1, 4096) + "Mi" : between(1, 64) + "Gi";
        }

        private String storageSize() {
            return switch (random.nextInt(3)) {
                case 0 -> between(5, 4096) + "Mi";
                case 1 -> between(1, 512) + "Gi";
                default -> between(1, 100) + "G";
            };
        }

        private Object storage() {
            if (random.nextInt(5) < 2) {
                return map("size", storageSize());
            }
            List<Object> volumes = new ArrayList<>();
            int count = between(1, 4);
            List<String> names = new ArrayList<>(SdlVocabulary.VOLUME_NAMES);
            boolean unnamedFirst = random.nextBoolean();
            for (int i = 0; i < count; i++) {
                if (i == 0 && unnamedFirst) {
                    volumes.add(map("size", storageSize()));
                    continue;
                }
                String name = names.remove(random.nextInt(names.size()));
                volumes.add(volume(name));
            }
            return volumes;
        }

        private Map<String, Object> volume(String name) {
            Map<String, Object> v = map("name", name, "size", storageSize());
            switch (random.nextInt(3)) {
                case 0 -> v.put("attributes", map("persistent", true, "class", pick(SdlVocabulary.STORAGE_CLASSES)));
                case 1 -> v.put("attributes", map("class", "ram", "persistent", false));
                default -> {
                    // an ephemeral volume: no attributes
                }
            }
            return v;
        }

        private Map<String, Object> gpu() {
            Object nvidia = null;
            if (random.nextInt(3) > 0) {
                List<String> models = new ArrayList<>(SdlVocabulary.GPU_MODELS);
                List<Object> list = new ArrayList<>();
                for (int i = between(1, 3); i > 0; i--) {
                    list.add(gpuModel(models.remove(random.nextInt(models.size()))));
                }
                nvidia = list;
            }
            return map("units", (long) between(1, 8), "attributes", map("vendor", map("nvidia", nvidia)));
        }

        private Map<String, Object> gpuModel(String model) {
            Map<String, Object> m = map("model", model);
            if (random.nextBoolean()) {
                m.put("ram", pick(SdlVocabulary.GPU_RAM));
            }
            if (random.nextBoolean()) {
                m.put("interface", random.nextBoolean() ? "pcie" : "sxm");
            }
            return m;
        }

        // ----- services -----

        private Map<String, Object> servicesTree() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < services.size(); i++) {
                out.put(services.get(i), service(i));
            }
            return out;
        }

        private Map<String, Object> service(int i) {
            String name = services.get(i);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("image", pick(SdlVocabulary.IMAGES));
            if (random.nextInt(4) == 0) {
                s.put("command", List.of("sh", "-c"));
            }
            if (random.nextInt(3) == 0) {
                s.put("args", texts(between(1, 4)));
            }
            if (random.nextInt(2) == 0) {
                s.put("env", env());
            }
            List<Object> exposes = exposes(i);
            if (!exposes.isEmpty()) {
                s.put("expose", exposes);
            }
            Map<String, Object> mounts = mounts(compute.get(profileOf.get(name)));
            if (!mounts.isEmpty()) {
                s.put("params", map("storage", mounts));
            }
            return s;
        }

        private List<Object> texts(int count) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add(text());
            }
            return out;
        }

        /** Text with characters that need care in YAML: quotes, backslashes, '#', ': ', non-ASCII. */
        private String text() {
            StringBuilder sb = new StringBuilder();
            for (int i = between(1, 5); i > 0; i--) {
                sb.append(pick(SdlVocabulary.TEXT_PIECES));
            }
            return sb.toString();
        }

        private List<Object> env() {
            List<Object> out = new ArrayList<>();
            for (int i = between(1, 4); i > 0; i--) {
                out.add(envName() + "=" + (random.nextInt(4) == 0 ? "" : text()));
            }
            return out;
        }

        /** A name matching {@code [A-Z_][A-Z0-9_]*}. */
        private String envName() {
            String first = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";
            String rest = first + "0123456789";
            StringBuilder sb = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
            for (int i = between(0, 12); i > 0; i--) {
                sb.append(rest.charAt(random.nextInt(rest.length())));
            }
            return sb.toString();
        }

        private List<Object> exposes(int service) {
            int count = service == 0 ? between(1, 3) : between(0, 3);
            List<Object> out = new ArrayList<>();
            Set<Long> ports = new HashSet<>();
            for (int i = 0; i < count; i++) {
                long port;
                do {
                    port = port();
                } while (!ports.add(port));
                out.add(expose(service, port, service == 0 && i == 0));
            }
            return out;
        }

        private long port() {
            return switch (random.nextInt(3)) {
                case 0 -> pick(List.of(80L, 443L, 8080L, 3000L, 5432L, 6379L));
                case 1 -> (long) between(1, 1024);
                default -> (long) between(1, 65535);
            };
        }

        private Map<String, Object> expose(int service, long port, boolean mustBeGlobal) {
            Map<String, Object> e = map("port", port);
            if (random.nextInt(3) == 0) {
                e.put("as", (long) (random.nextBoolean() ? 80 : between(1, 65535)));
            }
            if (random.nextInt(3) == 0) {
                e.put("proto", pick(SdlVocabulary.PROTOCOLS));
            }
            List<Object> to = destinations(service, mustBeGlobal);
            if (to != null) {
                e.put("to", to);
            }
            if (acceptsHosts(service, to) && random.nextInt(5) == 0) {
                List<Object> accept = new ArrayList<>();
                for (int i = between(1, 2); i > 0; i--) {
                    accept.add(hostname());
                }
                e.put("accept", accept);
            }
            if (random.nextInt(5) == 0) {
                e.put("http_options", httpOptions());
            }
            return e;
        }

        /**
         * Whether an expose may list hostnames: a provider rejects a manifest that has a hostname twice, and
         * the manifest repeats an expose once per destination and a service once per placement.
         */
        private boolean acceptsHosts(int service, List<Object> to) {
            return placementsOf.get(services.get(service)).size() == 1 && (to == null || to.size() == 1);
        }

        /** Destinations: global, another service, or both; null (no {@code to}) now and then. */
        private List<Object> destinations(int service, boolean mustBeGlobal) {
            boolean others = services.size() > 1;
            int choice = mustBeGlobal ? random.nextInt(2) : random.nextInt(5);
            if (choice >= 2 && !others) {
                choice = 0;
            }
            return switch (choice) {
                case 0 -> List.of(map("global", true));
                case 1 ->
                    others
                            ? List.of(map("global", true), map("service", otherService(service)))
                            : List.of(map("global", true));
                case 2, 3 -> List.of(map("service", otherService(service)));
                default -> null;
            };
        }

        private String otherService(int service) {
            int other = random.nextInt(services.size() - 1);
            return services.get(other >= service ? other + 1 : other);
        }

        private Map<String, Object> httpOptions() {
            Map<String, Object> h = new LinkedHashMap<>();
            maybe(h, "max_body_size", () -> (long) between(1, 104_857_600));
            maybe(h, "read_timeout", () -> (long) between(1, 60_000));
            maybe(h, "send_timeout", () -> (long) between(1, 60_000));
            maybe(h, "next_tries", () -> (long) between(1, 10));
            maybe(h, "next_timeout", () -> (long) between(0, 60_000));
            maybe(h, "proxy_buffer_size", () -> (long) between(1, 1_048_576));
            if (random.nextBoolean()) {
                List<String> cases = new ArrayList<>(SdlVocabulary.NEXT_CASES);
                List<Object> chosen = new ArrayList<>();
                for (int i = between(1, 4); i > 0; i--) {
                    chosen.add(cases.remove(random.nextInt(cases.size())));
                }
                h.put("next_cases", chosen);
            }
            return h;
        }

        private void maybe(Map<String, Object> m, String key, Supplier<Object> value) {
            if (random.nextBoolean()) {
                m.put(key, value.get());
            }
        }

        /** A mount for every persistent or RAM volume of {@code profile}, each at its own path. */
        private Map<String, Object> mounts(Object profile) {
            Map<String, Object> mounts = new LinkedHashMap<>();
            Object storage = ((Map<?, ?>) ((Map<?, ?>) profile).get("resources")).get("storage");
            if (!(storage instanceof List<?> volumes)) {
                return mounts;
            }
            boolean shmTaken = false;
            for (Object v : volumes) {
                Map<?, ?> volume = (Map<?, ?>) v;
                if (!(volume.get("attributes") instanceof Map<?, ?> attributes)) {
                    continue;
                }
                String name = (String) volume.get("name");
                boolean ram = "ram".equals(attributes.get("class"));
                String path = ram && !shmTaken ? "/dev/shm" : (ram ? "/run/" : "/mnt/") + name;
                shmTaken |= ram;
                Map<String, Object> mount = map("mount", path);
                if (!ram && random.nextInt(4) == 0) {
                    mount.put("readOnly", random.nextBoolean());
                }
                mounts.put(name, mount);
            }
            return mounts;
        }

        // ----- placements and deployment -----

        private void assignPlacements() {
            int count = manyServices
                    ? (services.size() + SERVICES_PER_PLACEMENT - 1) / SERVICES_PER_PLACEMENT
                    : between(1, 3);
            placements.addAll(uniqueNames(count, this::placementName));
            for (int i = 0; i < services.size(); i++) {
                List<String> chosen = new ArrayList<>();
                if (manyServices) {
                    chosen.add(placements.get(i / SERVICES_PER_PLACEMENT));
                } else {
                    List<String> pool = new ArrayList<>(placements);
                    for (int k = placements.size() > 1 ? between(1, 2) : 1; k > 0; k--) {
                        chosen.add(pool.remove(random.nextInt(pool.size())));
                    }
                }
                placementsOf.put(services.get(i), chosen);
            }
            placements.removeIf(p -> placementsOf.values().stream().noneMatch(chosen -> chosen.contains(p)));
        }

        private String placementName() {
            return random.nextBoolean() ? pick(SdlVocabulary.PLACEMENT_WORDS) : randomLabel(2, 10);
        }

        private Map<String, Object> placementProfiles() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String placement : placements) {
                out.put(placement, placement(placement));
            }
            return out;
        }

        private Map<String, Object> placement(String name) {
            Map<String, Object> p = new LinkedHashMap<>();
            if (random.nextBoolean()) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                for (int i = between(1, 3); i > 0; i--) {
                    attributes.put(pick(SdlVocabulary.ATTRIBUTE_KEYS), pick(SdlVocabulary.ATTRIBUTE_VALUES));
                }
                p.put("attributes", attributes);
            }
            if (random.nextInt(3) == 0) {
                p.put("signedBy", signedBy());
            }
            p.put("pricing", pricing(name));
            return p;
        }

        private Map<String, Object> signedBy() {
            Map<String, Object> s = new LinkedHashMap<>();
            if (random.nextBoolean()) {
                s.put("anyOf", SdlVocabulary.addresses(random));
            }
            if (s.isEmpty() || random.nextBoolean()) {
                s.put("allOf", SdlVocabulary.addresses(random));
            }
            return s;
        }

        /** A price for every compute profile deployed to {@code placement}. */
        private Map<String, Object> pricing(String placement) {
            Map<String, Object> pricing = new LinkedHashMap<>();
            for (String service : services) {
                if (placementsOf.get(service).contains(placement)) {
                    pricing.putIfAbsent(profileOf.get(service), map("denom", DENOM, "amount", amount()));
                }
            }
            return pricing;
        }

        /** A whole number 1–10000000, or a decimal with up to 6 places in (0, 10000000]. */
        private Object amount() {
            if (random.nextBoolean()) {
                return (long) between(1, 10_000_000);
            }
            int scale = between(1, 6);
            long max = 10_000_000L * BigDecimal.TEN.pow(scale).longValueExact();
            return BigDecimal.valueOf(random.nextLong(1, max + 1), scale);
        }

        private Map<String, Object> deployment() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String service : services) {
                Map<String, Object> entries = new LinkedHashMap<>();
                for (String placement : placementsOf.get(service)) {
                    entries.put(placement, map("profile", profileOf.get(service), "count", (long) between(1, 5)));
                }
                out.put(service, entries);
            }
            return out;
        }

        // ----- randomness -----

        private int between(int min, int max) {
            return random.nextInt(min, max + 1);
        }

        private <T> T pick(List<T> items) {
            return items.get(random.nextInt(items.size()));
        }
    }
}

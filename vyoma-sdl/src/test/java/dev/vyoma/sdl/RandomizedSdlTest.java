package dev.vyoma.sdl;

import static dev.vyoma.sdl.SdlChecks.assertClean;
import static dev.vyoma.sdl.SdlChecks.assertInvalid;
import static dev.vyoma.sdl.SdlChecks.assertSomeError;
import static dev.vyoma.sdl.SdlChecks.assertValid;
import static dev.vyoma.sdl.SdlChecks.at;
import static dev.vyoma.sdl.SdlChecks.atField;
import static dev.vyoma.sdl.SdlChecks.atFieldOrSays;
import static dev.vyoma.sdl.SdlChecks.list;
import static dev.vyoma.sdl.SdlChecks.map;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyoma.sdl.SdlChecks.Output;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.testkit.SdlGenerator;
import dev.vyoma.testkit.Seeds;
import dev.vyoma.testkit.YamlText;
import dev.vyoma.testkit.YamlText.KeyOrder;
import dev.vyoma.testkit.YamlText.Style;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/**
 * Seeded randomized tests of {@link Sdl#parse}: documents from {@link SdlGenerator} are valid, give the
 * same result however they are written, and carry what was generated into the manifest; mutations of
 * them, and hostile inputs, always give a clean result. Each test prints its seed on failure;
 * {@code -Dtest.seed=N} replays it.
 */
class RandomizedSdlTest {
    /** Cases per property; {@code -Dtest.cases=N} runs more for a deeper search. */
    private static final int CASES = Integer.getInteger("test.cases", 300);

    private static final String SOURCE = "random.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    // ----- a. generated documents are valid and parse deterministically -----

    @Test
    void generatedDocumentsAreValidAndDeterministic() {
        Property p = new Property("RandomizedSdlTest.generatedDocumentsAreValidAndDeterministic");
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            String yaml = YamlText.write(tree);
            Supplier<String> why = p.why(i, yaml);
            SdlResult first = SdlChecks.parse(yaml, SOURCE, why);
            assertClean(first, SOURCE, why);
            SdlDocument document = assertValid(first, why);
            assertTrue(first.warnings().isEmpty(), () -> why.get() + "\nunexpected warnings " + first.warnings());
            Output output = Output.of(document);
            assertEquals(output, Output.of(assertValid(SdlChecks.parse(yaml, SOURCE, why), why)), why);
            assertEquals(output, Output.of(assertValid(SdlChecks.parse(yaml.getBytes(UTF_8), SOURCE, why), why)), why);
        }
    }

    // ----- b. key order and aliases do not change the result -----

    @Test
    void keyOrderAndAliasesDoNotChangeTheResult() {
        Property p = new Property("RandomizedSdlTest.keyOrderAndAliasesDoNotChangeTheResult");
        int withAliases = 0;
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            String plain = YamlText.write(tree);
            Output expected = Output.of(assertValid(SdlChecks.parse(plain, SOURCE, p.why(i, plain)), p.why(i, plain)));
            List<Style> styles = List.of(
                    new Style(KeyOrder.shuffled(p.random.split()), false),
                    new Style(KeyOrder.AS_GIVEN, true),
                    new Style(KeyOrder.shuffled(p.random.split()), true),
                    new Style(KeyOrder.SORTED, true));
            for (Style style : styles) {
                String yaml = YamlText.write(tree, style);
                Supplier<String> why = p.why(i, yaml);
                SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
                assertClean(result, SOURCE, why);
                assertEquals(
                        expected, Output.of(assertValid(result, why)), () -> why.get() + "\nwritten from:\n" + plain);
                if (style.aliases() && yaml.contains(" *a")) {
                    withAliases++;
                }
            }
        }
        int aliased = withAliases;
        assertTrue(
                CASES < 100 || aliased > CASES / 2,
                () -> p.why(-1, "").get() + "\nonly " + aliased + " documents used aliases");
    }

    // ----- c. the manifest and group specs carry what the generator wrote -----

    @Test
    void manifestCarriesWhatTheGeneratorWrote() {
        Property p = new Property("RandomizedSdlTest.manifestCarriesWhatTheGeneratorWrote");
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            String yaml = YamlText.write(tree);
            Supplier<String> why = p.why(i, yaml);
            SdlDocument document = assertValid(SdlChecks.parse(yaml, SOURCE, why), why);
            List<Object> manifest = list(readJson(JsonWriter.compact(AkashJson.manifest(document.manifest()))));
            List<Object> groups = list(readJson(JsonWriter.compact(AkashJson.groupSpecs(document.groups()))));
            new RoundTrip(tree, why).check(manifest, groups);
        }
    }

    /** Compares a document's manifest and group-spec JSON with the tree it was written from. */
    private static final class RoundTrip {
        private final Map<String, Object> tree;
        private final Supplier<String> why;
        private final Map<String, Object> deployment;

        RoundTrip(Map<String, Object> tree, Supplier<String> why) {
            this.tree = tree;
            this.why = why;
            this.deployment = map(tree.get("deployment"));
        }

        void check(List<Object> manifest, List<Object> groups) {
            List<String> placements = placementsUsed();
            assertEquals(placements, names(manifest), () -> why.get() + "\nmanifest groups");
            assertEquals(placements, names(groups), () -> why.get() + "\ngroup specs");
            for (int g = 0; g < placements.size(); g++) {
                String placement = placements.get(g);
                Map<String, Object> group = map(manifest.get(g));
                List<Object> services = list(group.get("services"));
                assertEquals(servicesIn(placement), names(services), () -> why.get() + "\nservices of " + placement);
                for (Object service : services) {
                    service(placement, map(service));
                }
                groupSpec(placement, map(groups.get(g)));
            }
        }

        private List<String> placementsUsed() {
            TreeSet<String> out = new TreeSet<>();
            deployment.values().forEach(entries -> out.addAll(map(entries).keySet()));
            return new ArrayList<>(out);
        }

        private List<String> servicesIn(String placement) {
            TreeSet<String> out = new TreeSet<>();
            deployment.forEach((service, entries) -> {
                if (map(entries).containsKey(placement)) {
                    out.add(service);
                }
            });
            return new ArrayList<>(out);
        }

        private static List<String> names(List<Object> items) {
            return items.stream().map(o -> (String) map(o).get("name")).toList();
        }

        private String profileOf(String service, String placement) {
            return (String) at(deployment, service, placement, "profile");
        }

        private void service(String placement, Map<String, Object> actual) {
            String name = (String) actual.get("name");
            Map<String, Object> svc = map(at(tree, "services", name));
            Supplier<String> w = () -> why.get() + "\nmanifest service " + placement + "/" + name + ": " + actual;
            assertEquals(svc.get("image"), actual.get("image"), w);
            assertEquals(svc.get("command"), actual.get("command"), w);
            assertEquals(svc.get("args"), actual.get("args"), w);
            assertEquals(svc.get("env"), actual.get("env"), w);
            assertEquals(number(at(deployment, name, placement, "count")), number(actual.get("count")), w);
            resources(
                    map(at(tree, "profiles", "compute", profileOf(name, placement), "resources")),
                    map(actual.get("resources")),
                    w);
            assertEquals(expectedExposes(svc), canonicalList(list(actual.get("expose"))), w);
            params(svc, actual, w);
        }

        private void resources(Map<String, Object> profile, Map<String, Object> actual, Supplier<String> w) {
            assertEquals(
                    Long.toString(cpuMillis(at(profile, "cpu", "units"))),
                    at(actual, "cpu", "units", "val"),
                    () -> w.get() + "\ncpu");
            assertEquals(
                    Long.toString(bytes((String) at(profile, "memory", "size"))),
                    at(actual, "memory", "size", "val"),
                    () -> w.get() + "\nmemory");
            assertEquals(
                    expectedVolumes(profile.get("storage")),
                    actualVolumes(list(actual.get("storage"))),
                    () -> w.get() + "\nstorage");
            Object gpu = profile.get("gpu");
            assertEquals(
                    gpu == null ? "0" : at(gpu, "units").toString(),
                    at(actual, "gpu", "units", "val"),
                    () -> w.get() + "\ngpu");
            assertEquals(
                    expectedGpuModels(gpu),
                    attributes(map(actual.get("gpu")).get("attributes")),
                    () -> w.get() + "\ngpu models");
        }

        private static Map<String, String> expectedVolumes(Object storage) {
            Map<String, String> out = new TreeMap<>();
            List<Object> volumes = storage instanceof List<?> l ? list(l) : List.of(storage);
            for (Object v : volumes) {
                Map<String, Object> volume = map(v);
                String name = storage instanceof List<?> && volume.containsKey("name")
                        ? (String) volume.get("name")
                        : "default";
                String attributes = "";
                if (volume.get("attributes") instanceof Map<?, ?> a) {
                    attributes = " class=" + a.get("class") + " persistent=" + a.get("persistent");
                }
                out.put(name, bytes((String) volume.get("size")) + attributes);
            }
            return out;
        }

        private static Map<String, String> actualVolumes(List<Object> volumes) {
            Map<String, String> out = new TreeMap<>();
            for (Object v : volumes) {
                Map<String, Object> volume = map(v);
                Map<String, String> a = attributes(volume.get("attributes"));
                String attributes =
                        a.isEmpty() ? "" : " class=" + a.get("class") + " persistent=" + a.get("persistent");
                out.put((String) volume.get("name"), at(volume, "size", "val") + attributes);
            }
            return out;
        }

        private static Map<String, String> expectedGpuModels(Object gpu) {
            Map<String, String> out = new TreeMap<>();
            if (gpu == null) {
                return out;
            }
            Object nvidia = at(gpu, "attributes", "vendor", "nvidia");
            if (nvidia == null) {
                out.put("vendor/nvidia/model/*", "true");
                return out;
            }
            for (Object m : list(nvidia)) {
                Map<String, Object> model = map(m);
                String key = "vendor/nvidia/model/" + model.get("model");
                if (model.containsKey("ram")) {
                    key += "/ram/" + model.get("ram");
                }
                if (model.containsKey("interface")) {
                    key += "/interface/" + model.get("interface");
                }
                out.put(key, "true");
            }
            return out;
        }

        private static Map<String, String> attributes(Object attributes) {
            Map<String, String> out = new TreeMap<>();
            if (attributes != null) {
                for (Object a : list(attributes)) {
                    out.put((String) map(a).get("key"), (String) map(a).get("value"));
                }
            }
            return out;
        }

        /** Every expose entry once per destination (once with none if it has no {@code to}), canonically. */
        private List<String> expectedExposes(Map<String, Object> svc) {
            List<Object> out = new ArrayList<>();
            for (Object e : svc.get("expose") == null ? List.of() : list(svc.get("expose"))) {
                Map<String, Object> expose = map(e);
                List<Object> to = expose.get("to") == null ? List.of(Map.of()) : list(expose.get("to"));
                for (Object t : to) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("port", expose.get("port"));
                    m.put("externalPort", expose.getOrDefault("as", 0L));
                    m.put("proto", ((String) expose.getOrDefault("proto", "tcp")).toUpperCase(Locale.ROOT));
                    m.put("service", map(t).getOrDefault("service", ""));
                    m.put("global", map(t).getOrDefault("global", false));
                    m.put("hosts", expose.get("accept"));
                    m.put("httpOptions", httpOptions(map(expose.getOrDefault("http_options", Map.of()))));
                    m.put("ip", "");
                    m.put("endpointSequenceNumber", 0L);
                    out.add(m);
                }
            }
            return canonicalList(out);
        }

        private static Map<String, Object> httpOptions(Map<String, Object> given) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("maxBodySize", given.getOrDefault("max_body_size", 1_048_576L));
            m.put("readTimeout", given.getOrDefault("read_timeout", 60_000L));
            m.put("sendTimeout", given.getOrDefault("send_timeout", 60_000L));
            m.put("nextTries", given.getOrDefault("next_tries", 3L));
            m.put("nextTimeout", given.getOrDefault("next_timeout", 0L));
            m.put("nextCases", given.getOrDefault("next_cases", List.of("error", "timeout")));
            if (given.containsKey("proxy_buffer_size")) {
                m.put("proxyBufferSize", given.get("proxy_buffer_size"));
            }
            return m;
        }

        private static void params(Map<String, Object> svc, Map<String, Object> actual, Supplier<String> w) {
            if (svc.get("params") == null) {
                assertFalse(actual.containsKey("params"), () -> w.get() + "\nparams");
                return;
            }
            List<Object> expected = new ArrayList<>();
            map(at(svc, "params", "storage"))
                    .forEach((volume, mount) -> expected.add(Map.of(
                            "name", volume,
                            "mount", map(mount).get("mount"),
                            "readOnly", map(mount).getOrDefault("readOnly", false))));
            assertEquals(
                    canonicalList(expected),
                    canonicalList(list(at(actual, "params", "storage"))),
                    () -> w.get() + "\nparams");
        }

        private void groupSpec(String placement, Map<String, Object> actual) {
            Supplier<String> w = () -> why.get() + "\ngroup spec " + actual;
            Map<String, Object> profile = map(at(tree, "profiles", "placement", placement));
            Object signedBy = profile.get("signedBy");
            assertEquals(
                    signedBy == null ? null : map(signedBy).get("allOf"),
                    at(actual, "requirements", "signed_by", "all_of"),
                    w);
            assertEquals(
                    signedBy == null ? null : map(signedBy).get("anyOf"),
                    at(actual, "requirements", "signed_by", "any_of"),
                    w);
            Map<String, String> attributes = new TreeMap<>();
            if (profile.get("attributes") != null) {
                map(profile.get("attributes")).forEach((k, v) -> attributes.put(k, (String) v));
            }
            assertEquals(attributes, attributes(at(actual, "requirements", "attributes")), w);

            boolean v21 = "2.1".equals(tree.get("version"));
            List<String> expectedPrices = new ArrayList<>();
            long expectedCount = 0;
            TreeSet<String> profiles = new TreeSet<>();
            for (String service : servicesIn(placement)) {
                String compute = profileOf(service, placement);
                expectedCount += number(at(deployment, service, placement, "count"));
                if (profiles.add(compute) || !v21) {
                    expectedPrices.add(price(at(profile, "pricing", compute, "amount")));
                }
            }
            List<String> actualPrices = new ArrayList<>();
            long actualCount = 0;
            for (Object u : list(actual.get("resources"))) {
                Map<String, Object> unit = map(u);
                actualCount += number(unit.get("count"));
                assertEquals(SdlGenerator.DENOM, at(unit, "price", "denom"), w);
                actualPrices.add((String) at(unit, "price", "amount"));
            }
            expectedPrices.sort(null);
            actualPrices.sort(null);
            assertEquals(expectedPrices, actualPrices, () -> w.get() + "\nprices");
            assertEquals(expectedCount, actualCount, () -> w.get() + "\nreplicas");
        }

        private static String price(Object amount) {
            BigDecimal value = amount instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) amount).longValue());
            return value.setScale(18).toPlainString();
        }
    }

    /** CPU millicores of a generated {@code units} value: {@code "250m"}, whole or decimal cores. */
    private static long cpuMillis(Object units) {
        return switch (units) {
            case String s -> Long.parseLong(s.substring(0, s.length() - 1));
            case BigDecimal d -> d.movePointRight(3).longValueExact();
            default -> ((Number) units).longValue() * 1000;
        };
    }

    /** Bytes of a generated size such as {@code 512Mi}, {@code 2Gi}, {@code 1Ti} or {@code 10G}. */
    private static long bytes(String size) {
        record Suffix(String text, long factor) {}
        for (Suffix s : List.of(
                new Suffix("Ki", 1L << 10),
                new Suffix("Mi", 1L << 20),
                new Suffix("Gi", 1L << 30),
                new Suffix("Ti", 1L << 40),
                new Suffix("M", 1_000_000L),
                new Suffix("G", 1_000_000_000L))) {
            if (size.endsWith(s.text())) {
                return Long.parseLong(size.substring(0, size.length() - s.text().length())) * s.factor();
            }
        }
        return Long.parseLong(size);
    }

    private static long number(Object n) {
        return ((Number) n).longValue();
    }

    private static Object readJson(String json) {
        return JSON.readValue(json, Object.class);
    }

    /** JSON values with every integer as a long, so generated and parsed trees compare equal. */
    private static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put((String) k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(RandomizedSdlTest::normalize).toList();
        }
        if (v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        return v;
    }

    /** Each item as canonical JSON, sorted: compares lists as multisets. */
    private static List<String> canonicalList(List<Object> items) {
        return items.stream()
                .map(o -> JsonWriter.canonical(normalize(o)))
                .sorted()
                .toList();
    }

    // ----- d. mutations give clean results -----

    /** A targeted change to a tree, and the error it must cause. */
    private record Mutation(String what, Predicate<SdlError> naming) {}

    /** Applies a change to a copy of a generated tree. */
    @FunctionalInterface
    private interface Mutator extends BiFunction<Map<String, Object>, SplittableRandom, Mutation> {}

    /** Drops a field the SDL needs. */
    private static final List<Mutator> DROP_REQUIRED = List.of(
            (tree, r) -> {
                String service = anyService(tree, r);
                map(at(tree, "services", service)).remove("image");
                return new Mutation("drop services." + service + ".image", atField("image"));
            },
            (tree, r) -> {
                Map<String, Object> expose = anyExpose(tree, r);
                expose.remove("port");
                return new Mutation("drop an expose port", atField("port"));
            },
            (tree, r) -> dropResource(tree, r, "cpu"),
            (tree, r) -> dropResource(tree, r, "memory"),
            (tree, r) -> dropResource(tree, r, "storage"),
            (tree, r) -> {
                Deployed d = anyDeployed(tree, r);
                map(at(tree, "profiles", "placement", d.placement(), "pricing")).remove(d.profile());
                return new Mutation(
                        "drop the price of " + d.profile() + " in " + d.placement(),
                        e -> e.message().contains("pricing") && e.message().contains(d.profile()));
            },
            (tree, r) -> {
                Deployed d = anyDeployed(tree, r);
                map(at(tree, "deployment", d.service(), d.placement())).remove("profile");
                return new Mutation(
                        "drop deployment." + d.service() + "." + d.placement() + ".profile",
                        atFieldOrSays("profile", "profile is missing"));
            },
            (tree, r) -> {
                Deployed d = anyDeployed(tree, r);
                map(at(tree, "deployment", d.service(), d.placement())).remove("count");
                return new Mutation("drop a deployment count", atField("count"));
            },
            (tree, r) -> {
                tree.remove("version");
                return new Mutation("drop version", e -> e.message().contains("version"));
            });

    /** Puts a number out of its allowed range. */
    private static final List<Mutator> OUT_OF_RANGE = List.of(
            (tree, r) -> {
                long port = r.nextBoolean() ? 0 : 70_000;
                anyExpose(tree, r).put("port", port);
                return new Mutation("port " + port, atField("port"));
            },
            (tree, r) -> {
                anyExpose(tree, r).put("as", 70_000L);
                return new Mutation("as 70000", atField("as"));
            },
            (tree, r) -> {
                Object units = r.nextBoolean() ? (Object) 0L : (Object) 500L;
                map(anyResources(tree, r).get("cpu")).put("units", units);
                return new Mutation("cpu units " + units, atField("cpu"));
            },
            (tree, r) -> {
                long count = r.nextBoolean() ? 0 : 51;
                Deployed d = anyDeployed(tree, r);
                map(at(tree, "deployment", d.service(), d.placement())).put("count", count);
                return new Mutation("count " + count, atField("count"));
            },
            (tree, r) -> {
                String size = r.nextBoolean() ? "0" : "3Ti";
                map(anyResources(tree, r).get("memory")).put("size", size);
                return new Mutation("memory " + size, atField("memory"));
            },
            (tree, r) -> {
                anyResources(tree, r)
                        .put(
                                "gpu",
                                SdlGenerator.map(
                                        "units",
                                        25L,
                                        "attributes",
                                        SdlGenerator.map("vendor", SdlGenerator.map("nvidia", null))));
                return new Mutation("gpu units 25", atField("gpu"));
            },
            (tree, r) -> {
                Object storage = anyResources(tree, r).get("storage");
                Map<String, Object> volume =
                        storage instanceof List<?> l ? map(l.get(r.nextInt(l.size()))) : map(storage);
                volume.put("size", "1Mi");
                return new Mutation("storage 1Mi", atField("storage"));
            },
            (tree, r) -> {
                Deployed d = anyDeployed(tree, r);
                map(at(tree, "profiles", "placement", d.placement(), "pricing", d.profile()))
                        .put("amount", 10_000_001L);
                return new Mutation(
                        "price 10000001",
                        e -> e.path().contains(".pricing.") && e.message().contains("10000001"));
            },
            (tree, r) -> {
                Map<String, Object> expose = anyExpose(tree, r);
                Object http = expose.computeIfAbsent("http_options", k -> new LinkedHashMap<String, Object>());
                map(http).put("max_body_size", 104_857_601L);
                return new Mutation("max_body_size 104857601", atField("max_body_size"));
            });

    @Test
    void droppedRequiredFieldsAreReported() {
        checkMutations("RandomizedSdlTest.droppedRequiredFieldsAreReported", DROP_REQUIRED);
    }

    @Test
    void outOfRangeNumbersAreReported() {
        checkMutations("RandomizedSdlTest.outOfRangeNumbersAreReported", OUT_OF_RANGE);
    }

    private static void checkMutations(String test, List<Mutator> mutators) {
        Property p = new Property(test);
        int[] hits = new int[mutators.size()];
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            int choice = p.random.nextInt(mutators.size());
            hits[choice]++;
            Mutation m = mutators.get(choice).apply(tree, p.random);
            String yaml = YamlText.write(tree, p.style());
            Supplier<String> why = p.why(i, "mutation: " + m.what() + "\n" + yaml);
            SdlResult result = SdlChecks.parse(yaml.getBytes(UTF_8), SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(result, m.naming(), "naming the changed field (" + m.what() + ")", why);
        }
        assertTrue(
                CASES < 100 || Arrays.stream(hits).allMatch(h -> h > 0),
                () -> p.why(-1, "").get() + "\nsome mutation never ran: " + Arrays.toString(hits));
    }

    @Test
    void misspeltFieldNamesAreErrorsOrWarningsNamingTheKey() {
        Property p = new Property("RandomizedSdlTest.misspeltFieldNamesAreErrorsOrWarningsNamingTheKey");
        int valid = 0;
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            List<Slot> keys =
                    Slot.all(tree).stream().filter(Slot::isMisspellable).toList();
            Slot slot = keys.get(p.random.nextInt(keys.size()));
            String original = (String) slot.key();
            String misspelt = misspell(original, map(slot.container()), p.random);
            slot.renameTo(misspelt);
            String yaml = YamlText.write(tree, p.style());
            Supplier<String> why = p.why(i, "misspelt " + slot.path() + " as " + misspelt + "\n" + yaml);
            SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
            assertClean(result, SOURCE, why);
            if (result.isValid()) {
                valid++;
                assertTrue(
                        result.warnings().stream().anyMatch(w -> w.path().equals(slot.renamedPath(misspelt))),
                        () -> why.get() + "\nvalid, but no warning names " + misspelt + ": " + result.warnings());
            } else {
                List<SdlError> all = new ArrayList<>(result.errors());
                all.addAll(result.warnings());
                assertTrue(
                        all.stream().anyMatch(e -> mentions(e, misspelt) || mentions(e, original)),
                        () -> why.get() + "\nno problem names " + misspelt + " or " + original + ": " + all);
            }
        }
        int validCount = valid;
        assertTrue(
                CASES < 100 || validCount > 0 && validCount < CASES,
                () -> p.why(-1, "").get() + "\nvalid after misspelling: " + validCount);
    }

    private static boolean mentions(SdlError e, String key) {
        return e.path().equals(key)
                || e.path().endsWith("." + key)
                || e.path().contains("." + key + ".")
                || e.path().startsWith(key + ".")
                || e.message().contains("\"" + key + "\"");
    }

    /** A different name for {@code key} that the mapping does not have yet. */
    private static String misspell(String key, Map<String, Object> siblings, SplittableRandom r) {
        while (true) {
            String candidate = misspellOnce(key, r);
            if (!candidate.equals(key) && !siblings.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    private static String misspellOnce(String key, SplittableRandom r) {
        int at = r.nextInt(key.length());
        return switch (r.nextInt(5)) {
            case 0 -> key.length() < 2 ? key + "x" : key.substring(0, at) + key.substring(at + 1);
            case 1 -> key.substring(0, at) + key.charAt(at) + key.substring(at);
            case 2 ->
                at + 1 < key.length()
                        ? key.substring(0, at) + key.charAt(at + 1) + key.charAt(at) + key.substring(at + 2)
                        : key + "s";
            case 3 -> Character.toUpperCase(key.charAt(0)) + key.substring(1);
            default -> key.substring(0, at) + (char) ('a' + r.nextInt(26)) + key.substring(at);
        };
    }

    @Test
    void wrongValueTypesAreReported() {
        Property p = new Property("RandomizedSdlTest.wrongValueTypesAreReported");
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> tree = p.document();
            List<Slot> slots = Slot.all(tree);
            Slot slot = slots.get(p.random.nextInt(slots.size()));
            Object before = slot.value();
            Object after = otherType(before);
            slot.set(after);
            String yaml = YamlText.write(tree, p.style());
            Supplier<String> why =
                    p.why(i, "changed " + slot.path() + " from " + before + " to " + after + "\n" + yaml);
            SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(
                    result,
                    e -> e.path().startsWith(slot.path()) || slot.path().startsWith(e.path() + "."),
                    "at or near " + slot.path(),
                    why);
        }
    }

    /** A scalar becomes a list of it, a list a mapping, a mapping the list of its values. */
    private static Object otherType(Object v) {
        if (v instanceof List<?> l) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < l.size(); i++) {
                m.put("k" + i, l.get(i));
            }
            return m;
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<Object>(m.values());
        }
        List<Object> wrapped = new ArrayList<>();
        wrapped.add(v);
        return wrapped;
    }

    @Test
    void truncatedTextGivesACleanResult() {
        Property p = new Property("RandomizedSdlTest.truncatedTextGivesACleanResult");
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = YamlText.write(p.document(), p.style()).getBytes(UTF_8);
            int end = p.random.nextInt(bytes.length);
            byte[] cut = Arrays.copyOf(bytes, end);
            Supplier<String> why = p.why(i, "truncated at byte " + end + ":\n" + new String(cut, UTF_8));
            assertClean(SdlChecks.parse(cut, SOURCE, why), SOURCE, why);
        }
    }

    @Test
    void damagedBytesAndLinesGiveACleanResult() {
        Property p = new Property("RandomizedSdlTest.damagedBytesAndLinesGiveACleanResult");
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = YamlText.write(p.document(), p.style()).getBytes(UTF_8);
            byte[] damaged = switch (i % 3) {
                case 0 -> flipBytes(bytes, p.random);
                case 1 -> dropLine(bytes, p.random);
                default -> duplicateLine(bytes, p.random);
            };
            Supplier<String> why = p.why(i, new String(damaged, UTF_8));
            assertClean(SdlChecks.parse(damaged, SOURCE, why), SOURCE, why);
        }
    }

    private static byte[] flipBytes(byte[] bytes, SplittableRandom r) {
        byte[] out = bytes.clone();
        for (int k = r.nextInt(1, 5); k > 0; k--) {
            int at = r.nextInt(out.length);
            out[at] = r.nextBoolean() ? (byte) (out[at] ^ (1 << r.nextInt(8))) : (byte) r.nextInt(256);
        }
        return out;
    }

    private static byte[] dropLine(byte[] bytes, SplittableRandom r) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, UTF_8).split("\n", -1)));
        lines.remove(r.nextInt(lines.size()));
        return String.join("\n", lines).getBytes(UTF_8);
    }

    private static byte[] duplicateLine(byte[] bytes, SplittableRandom r) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, UTF_8).split("\n", -1)));
        int at = r.nextInt(lines.size());
        lines.add(at, lines.get(at));
        return String.join("\n", lines).getBytes(UTF_8);
    }

    private static final List<byte[]> INVALID_UTF8 = List.of(
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xFE, (byte) 0xFE},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xE2, (byte) 0x82});

    @Test
    void invalidUtf8IsReportedWhereItIs() {
        Property p = new Property("RandomizedSdlTest.invalidUtf8IsReportedWhereItIs");
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = YamlText.write(p.document(), p.style()).getBytes(UTF_8);
            int at = charBoundary(bytes, p.random.nextInt(bytes.length + 1));
            byte[] bad = INVALID_UTF8.get(p.random.nextInt(INVALID_UTF8.size()));
            byte[] input = insert(bytes, at, bad);
            Supplier<String> why = p.why(i, "inserted " + Arrays.toString(bad) + " at byte " + at);
            SdlResult result = SdlChecks.parse(input, SOURCE, why);
            assertClean(result, SOURCE, why);
            int line = 1
                    + (int) new String(bytes, 0, at, UTF_8)
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            assertSomeError(
                    result,
                    e -> e.message().contains("UTF-8") && e.message().contains("offset " + at) && e.line() == line,
                    "saying the file is not UTF-8 at offset " + at + " on line " + line,
                    why);
        }
    }

    /** The first offset at or after {@code at} that starts a character. */
    private static int charBoundary(byte[] bytes, int at) {
        int i = at;
        while (i < bytes.length && (bytes[i] & 0xC0) == 0x80) {
            i++;
        }
        return i;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + inserted.length);
        out.write(bytes, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    @Test
    void nulBytesAreReported() {
        Property p = new Property("RandomizedSdlTest.nulBytesAreReported");
        for (int i = 0; i < CASES; i++) {
            String yaml = YamlText.write(p.document(), p.style());
            byte[] bytes = yaml.getBytes(UTF_8);
            int at = p.random.nextInt(bytes.length + 1);
            Supplier<String> why = p.why(i, "NUL at byte " + at);
            SdlResult result = SdlChecks.parse(insert(bytes, at, new byte[] {0}), SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(result, e -> e.message().contains("NUL"), "about NUL bytes", why);

            int charAt = p.random.nextInt(yaml.length() + 1);
            if (charAt < yaml.length() && Character.isLowSurrogate(yaml.charAt(charAt))) {
                charAt--;
            }
            String text = yaml.substring(0, charAt) + '\0' + yaml.substring(charAt);
            Supplier<String> whyText = p.why(i, "NUL at char " + charAt + " of the text");
            SdlResult fromText = SdlChecks.parse(text, SOURCE, whyText);
            assertClean(fromText, SOURCE, whyText);
            assertInvalid(fromText, whyText);
        }
    }

    // ----- d. hostile inputs -----

    @Test
    void tenMegabytesIsRejectedWithoutReadingIt(@TempDir Path dir) throws Exception {
        Property p = new Property("RandomizedSdlTest.tenMegabytesIsRejectedWithoutReadingIt");
        String yaml = YamlText.write(p.document());
        String text = padWithComments(yaml, 10 << 20);
        byte[] bytes = text.getBytes(UTF_8);
        Supplier<String> why = p.why(0, "a valid SDL padded with comments to 10 MiB");
        Predicate<SdlError> aboutSize = e -> e.path().isEmpty() && e.message().contains("an SDL may be at most");

        SdlResult fromBytes = SdlChecks.parse(bytes, SOURCE, why);
        assertClean(fromBytes, SOURCE, why);
        assertSomeError(fromBytes, aboutSize, "about the file size", why);

        SdlResult fromText = SdlChecks.parse(text, SOURCE, why);
        assertClean(fromText, SOURCE, why);
        assertSomeError(fromText, aboutSize, "about the file size", why);

        Path file = dir.resolve(SOURCE);
        Files.write(file, bytes);
        SdlResult fromFile;
        try {
            fromFile = Sdl.parse(file);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new AssertionError(why.get() + "\nSdl.parse(Path) threw " + e, e);
        }
        assertClean(fromFile, SOURCE, why);
        assertSomeError(fromFile, aboutSize, "about the file size", why);
    }

    /** {@code yaml} followed by comment lines, to exactly {@code size} bytes (ASCII padding). */
    static String padWithComments(String yaml, int size) {
        int length = yaml.getBytes(UTF_8).length;
        StringBuilder sb = new StringBuilder(size).append(yaml);
        int left = size - length;
        while (left > 0) {
            int line = Math.min(left, 100);
            if (line == 1) {
                sb.append('\n');
            } else {
                sb.append('#').repeat('x', line - 2).append('\n');
            }
            left -= line;
        }
        return sb.toString();
    }

    @Test
    void emptyFilesAreRejected() {
        Property p = new Property("RandomizedSdlTest.emptyFilesAreRejected");
        List<String> inputs = List.of("", " ", "\n\n\n", "\t\n  \n", "# only a comment\n", "\uFEFF", "\uFEFF\n# hi\n");
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            Supplier<String> why = p.why(i, "input: " + text.replace("\n", "\\n"));
            Predicate<SdlError> aboutEmpty =
                    e -> e.message().contains("empty") || e.message().contains("no content");
            SdlResult fromText = SdlChecks.parse(text, SOURCE, why);
            assertClean(fromText, SOURCE, why);
            assertSomeError(fromText, aboutEmpty, "saying the file is empty", why);
            SdlResult fromBytes = SdlChecks.parse(text.getBytes(UTF_8), SOURCE, why);
            assertClean(fromBytes, SOURCE, why);
            assertSomeError(fromBytes, aboutEmpty, "saying the file is empty", why);
        }
        for (String text :
                List.of("---\n", "---\n...\n", "~\n", "null\n", "\"\"\n", "[]\n", "{}\n", "- a\n", "text\n")) {
            Supplier<String> why = p.why(-1, "input: " + text.replace("\n", "\\n"));
            SdlResult result = SdlChecks.parse(text.getBytes(UTF_8), SOURCE, why);
            assertClean(result, SOURCE, why);
            assertInvalid(result, why);
        }
    }

    @Test
    void aliasBombIsRejected() {
        Property p = new Property("RandomizedSdlTest.aliasBombIsRejected");
        String bomb = aliasBomb(9, 9);
        Predicate<SdlError> aboutAliases =
                e -> e.message().contains("alias") && e.message().contains("nodes");

        Supplier<String> alone = p.why(0, bomb);
        SdlResult result = SdlChecks.parse(bomb.getBytes(UTF_8), SOURCE, alone);
        assertClean(result, SOURCE, alone);
        assertSomeError(result, aboutAliases, "about alias expansion", alone);

        // The same bomb under an unknown field of an otherwise valid SDL, where it would only be a warning.
        Map<String, Object> tree = p.document();
        String service = map(tree.get("services")).keySet().iterator().next();
        map(at(tree, "services", service)).put("x-bomb", "BOMB");
        String yaml =
                YamlText.write(tree).replace("\"BOMB\"", "\n" + bomb.indent(6).stripTrailing());
        Supplier<String> inside = p.why(1, yaml);
        SdlResult nested = SdlChecks.parse(yaml, SOURCE, inside);
        assertClean(nested, SOURCE, inside);
        assertSomeError(nested, aboutAliases, "about alias expansion", inside);
    }

    /** {@code levels} anchored lists, each holding {@code width} aliases of the one before. */
    static String aliasBomb(int levels, int width) {
        StringBuilder sb = new StringBuilder("l0: &l0 [");
        sb.append(String.join(", ", Collections.nCopies(width, "\"lol\""))).append("]\n");
        for (int level = 1; level < levels; level++) {
            sb.append('l').append(level).append(": &l").append(level).append(" [");
            sb.append(String.join(", ", Collections.nCopies(width, "*l" + (level - 1))));
            sb.append("]\n");
        }
        return sb.toString();
    }

    @Test
    void deeplyNestedInputIsRejected() {
        Property p = new Property("RandomizedSdlTest.deeplyNestedInputIsRejected");
        int depth = 10_000;
        List<String> inputs = List.of(
                "[".repeat(depth) + "]".repeat(depth),
                "x: " + "[".repeat(depth) + "]".repeat(depth),
                "{a: ".repeat(depth) + "1" + "}".repeat(depth),
                "- ".repeat(depth) + "x\n",
                "[".repeat(depth),
                "services:\n  web:\n    image: " + "[".repeat(depth) + "]".repeat(depth) + "\n");
        for (int i = 0; i < inputs.size(); i++) {
            Supplier<String> why = p.why(i, inputs.get(i).substring(0, 40) + "...");
            SdlResult result = SdlChecks.parse(inputs.get(i).getBytes(UTF_8), SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(result, e -> e.message().contains("deeper than 64"), "about nesting depth", why);
        }
    }

    @Test
    void tooManyServicesAreRejected() {
        Property p = new Property("RandomizedSdlTest.tooManyServicesAreRejected");
        for (int i = 0; i < 5; i++) {
            Map<String, Object> tree =
                    new SdlGenerator(p.random.split()).services(101).document();
            String yaml = YamlText.write(tree, p.style());
            Supplier<String> why = p.why(i, "a generated SDL with 101 services");
            SdlResult result = SdlChecks.parse(yaml.getBytes(UTF_8), SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(
                    result,
                    e -> e.path().equals("services") && e.message().contains("at most 100"),
                    "about the number of services",
                    why);
            assertEquals(1, result.errors().size(), () -> why.get() + "\nother errors: " + result.errors());
        }
    }

    // ----- bugs found by the properties above; each fails until the parser is fixed -----

    /** A small valid SDL; {@code PRICING}, {@code EXPOSE} and {@code TO} are replaced by each bug test. */
    private static final String SMALL = """
            version: "2.0"
            services:
              web:
                image: nginx:1.27
                expose:
                  - port: 80
                    EXPOSE
                    to:
                      - global: true
                      TO
              db:
                image: postgres:16
                expose:
                  - port: 5432
                    to:
                      - service: web
            profiles:
              compute:
                small:
                  resources:
                    cpu: {units: 1}
                    memory: {size: 512Mi}
                    storage: {size: 1Gi}
              placement:
                dc:
                  PRICING
            deployment:
              web:
                dc: {profile: small, count: 1}
              db:
                dc: {profile: small, count: 1}
            """;

    private static String small(String pricing, String expose, String to) {
        return SMALL.replace("PRICING", pricing).replace("EXPOSE", expose).replace("TO", to);
    }

    /**
     * Found by {@link #truncatedTextGivesACleanResult} with {@code -Dtest.seed=1824119567860
     * -Dtest.cases=5000} (case 669): the text cut right after {@code pricing:}.
     */
    @Test
    void nullPricingIsAnErrorNotAnException() {
        Property p = new Property("RandomizedSdlTest.nullPricingIsAnErrorNotAnException");
        for (String pricing : List.of("pricing:", "pricing: ~", "pricing: null")) {
            String yaml = small(pricing, "proto: tcp", "");
            Supplier<String> why = p.why(-1, yaml);
            SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
            assertClean(result, SOURCE, why);
            assertSomeError(result, e -> e.message().contains("pricing"), "about the missing pricing", why);
        }
    }

    @Test
    void messagesStayOnOneLineWhenTheInputHasLineBreaks() {
        Property p = new Property("RandomizedSdlTest.messagesStayOnOneLineWhenTheInputHasLineBreaks");
        String price = "pricing: {small: {denom: uusd, amount: 100}}";
        List<String> inputs = List.of(
                small(price, "proto: \"t\\ncp\"", ""),
                small(price, "\"x\\ny\": 1", ""),
                small(price, "proto: \"t\\rcp\"", ""),
                small(price, "proto: \"t\\u2028cp\"", ""),
                small(price, "proto: tcp", "")
                        .replace(
                                "dc: {profile: small, count: 1}\n  db:",
                                "dc: {profile: small, count: \"1\\n2\"}\n  db:"),
                small(price, "proto: tcp", "")
                        .replace("{profile: small, count: 1}\n  db:", "{profile: \"sm\\nall\", count: 1}\n  db:"));
        for (String yaml : inputs) {
            Supplier<String> why = p.why(-1, yaml);
            SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
            assertInvalidOrWarned(result, why);
            for (SdlError e : concat(result.errors(), result.warnings())) {
                assertFalse(
                        e.message().contains("\n")
                                || e.message().contains("\r")
                                || e.message().contains("\u2028"),
                        () -> why.get() + "\nmulti-line message: " + e.format());
            }
        }
    }

    private static void assertInvalidOrWarned(SdlResult result, Supplier<String> why) {
        assertTrue(!result.isValid() || !result.warnings().isEmpty(), () -> why.get() + "\nexpected a problem");
    }

    private static List<SdlError> concat(List<SdlError> a, List<SdlError> b) {
        List<SdlError> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * The manifest repeats an expose once per destination, hostnames included, and Akash's manifest
     * validation (providers, {@code ServiceExpose.validate}) rejects any hostname that appears twice in a
     * manifest. The parser already rejects a hostname repeated by one service deployed to two
     * placements, but not one repeated by two destinations of the same expose.
     */
    @Test
    void hostnameRepeatedByTwoDestinationsIsReported() {
        Property p = new Property("RandomizedSdlTest.hostnameRepeatedByTwoDestinationsIsReported");
        String yaml =
                small("pricing: {small: {denom: uusd, amount: 100}}", "accept: [www.example.com]", "- service: db");
        Supplier<String> why = p.why(-1, yaml);
        SdlResult result = SdlChecks.parse(yaml, SOURCE, why);
        assertClean(result, SOURCE, why);
        if (result.isValid()) {
            String manifest =
                    JsonWriter.compact(AkashJson.manifest(result.document().manifest()));
            int times = manifest.split("www\\.example\\.com", -1).length - 1;
            assertEquals(2, times, () -> why.get() + "\nmanifest: " + manifest);
        }
        assertSomeError(result, e -> e.message().contains("www.example.com"), "about the repeated hostname", why);
    }

    // ----- helpers -----

    /** One property's seed, random source and failure message. */
    private static final class Property {
        final String name;
        final long seed;
        final SplittableRandom random;

        Property(String name) {
            this.name = name;
            this.seed = Seeds.seed(name);
            this.random = Seeds.random(seed);
        }

        Map<String, Object> document() {
            return new SdlGenerator(random.split()).document();
        }

        /** Plain, shuffled, aliased, or both, at random. */
        Style style() {
            return new Style(
                    random.nextBoolean() ? KeyOrder.AS_GIVEN : KeyOrder.shuffled(random.split()), random.nextBoolean());
        }

        Supplier<String> why(int i, String detail) {
            return () -> Seeds.replay(name, seed) + (i >= 0 ? " (case " + i + ")" : "") + "\n" + detail;
        }
    }

    /** A service, one of its placements, and the compute profile it uses there. */
    private record Deployed(String service, String placement, String profile) {}

    private static String anyService(Map<String, Object> tree, SplittableRandom r) {
        List<String> names = new ArrayList<>(map(tree.get("services")).keySet());
        return names.get(r.nextInt(names.size()));
    }

    private static Deployed anyDeployed(Map<String, Object> tree, SplittableRandom r) {
        String service = anyService(tree, r);
        List<String> placements =
                new ArrayList<>(map(at(tree, "deployment", service)).keySet());
        String placement = placements.get(r.nextInt(placements.size()));
        return new Deployed(service, placement, (String) at(tree, "deployment", service, placement, "profile"));
    }

    private static Map<String, Object> anyResources(Map<String, Object> tree, SplittableRandom r) {
        return map(at(tree, "profiles", "compute", anyDeployed(tree, r).profile(), "resources"));
    }

    private static Mutation dropResource(Map<String, Object> tree, SplittableRandom r, String field) {
        anyResources(tree, r).remove(field);
        return new Mutation("drop resources." + field, atField(field));
    }

    /** An expose entry of any service (the first service always has one). */
    private static Map<String, Object> anyExpose(Map<String, Object> tree, SplittableRandom r) {
        List<Map<String, Object>> exposes = new ArrayList<>();
        for (Object service : map(tree.get("services")).values()) {
            Object list = map(service).get("expose");
            if (list != null) {
                list(list).forEach(e -> exposes.add(map(e)));
            }
        }
        return exposes.get(r.nextInt(exposes.size()));
    }

    /** A place in a tree: a mapping and its key, or a list and its index, with the SDL path. */
    private record Slot(Object container, Object key, String parentPath, String path) {
        static List<Slot> all(Object tree) {
            List<Slot> out = new ArrayList<>();
            collect(tree, "", out);
            return out;
        }

        private static void collect(Object node, String path, List<Slot> out) {
            if (node instanceof Map<?, ?> m) {
                for (Object k : new ArrayList<>(m.keySet())) {
                    String child = path.isEmpty() ? (String) k : path + "." + k;
                    out.add(new Slot(m, k, path, child));
                    collect(m.get(k), child, out);
                }
            } else if (node instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    String child = path + "[" + i + "]";
                    out.add(new Slot(l, i, path, child));
                    collect(l.get(i), child, out);
                }
            }
        }

        Object value() {
            return container instanceof Map<?, ?> m
                    ? m.get(key)
                    : list(container).get((Integer) key);
        }

        void set(Object value) {
            if (container instanceof Map<?, ?>) {
                map(container).put((String) key, value);
            } else {
                list(container).set((Integer) key, value);
            }
        }

        /** Whether this is a mapping key the SDL defines (placement attributes are free-form). */
        boolean isMisspellable() {
            return container instanceof Map<?, ?> && !parentPath.matches("profiles\\.placement\\.[^.]+\\.attributes");
        }

        /** Renames this mapping key, keeping its place among its siblings. */
        void renameTo(String name) {
            Map<String, Object> m = map(container);
            Map<String, Object> renamed = new LinkedHashMap<>();
            m.forEach((k, v) -> renamed.put(k.equals(key) ? name : k, v));
            m.clear();
            m.putAll(renamed);
        }

        String renamedPath(String name) {
            return parentPath.isEmpty() ? name : parentPath + "." + name;
        }
    }
}

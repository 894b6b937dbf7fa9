package dev.vyoma.sdl;

import static dev.vyoma.sdl.SdlChecks.assertClean;
import static dev.vyoma.sdl.SdlChecks.assertSomeError;
import static dev.vyoma.sdl.SdlChecks.assertValid;
import static dev.vyoma.testkit.SdlGenerator.map;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyoma.testkit.SdlGenerator;
import dev.vyoma.testkit.YamlText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every bound in {@link SdlLimits}: a file exactly at the limit is accepted, one past it is rejected with
 * an error that names the limit. Small custom limits keep most cases fast; the defaults are tested for
 * file size, nesting, nodes, services, groups, units per group, count and volumes.
 */
class LimitsTest {
    private static final String SOURCE = "limits.yaml";
    private static final SdlLimits DEFAULT = SdlLimits.DEFAULT;

    // ----- maxBytes -----

    @Test
    void fileOfExactlyMaxBytesIsAcceptedAndOneByteMoreIsNot() {
        String yaml = YamlText.write(sdl(1, 1, "2.0"));
        byte[] atLimit =
                RandomizedSdlTest.padWithComments(yaml, DEFAULT.maxBytes()).getBytes(UTF_8);
        byte[] over =
                RandomizedSdlTest.padWithComments(yaml, DEFAULT.maxBytes() + 1).getBytes(UTF_8);
        assertEquals(DEFAULT.maxBytes(), atLimit.length);

        assertValid(parse(atLimit, DEFAULT), why("1 MiB file"));
        assertLimitError(parse(over, DEFAULT), e -> e.message().contains("at most 1 MiB"), "1 MiB + 1 byte");
    }

    @Test
    void textOfExactlyMaxBytesIsAcceptedAndOneCharacterMoreIsNot() {
        String yaml = YamlText.write(sdl(1, 1, "2.0"));
        String atLimit = RandomizedSdlTest.padWithComments(yaml, DEFAULT.maxBytes());
        String over = RandomizedSdlTest.padWithComments(yaml, DEFAULT.maxBytes() + 1);

        assertValid(SdlChecks.parse(atLimit, SOURCE, why("1 MiB text")), why("1 MiB text"));
        SdlResult result = SdlChecks.parse(over, SOURCE, why("1 MiB + 1 text"));
        assertClean(result, SOURCE, why("1 MiB + 1 text"));
        assertSomeError(result, e -> e.message().contains("at most 1 MiB"), "naming the limit", why("1 MiB + 1 text"));
    }

    @Test
    void customMaxBytes() {
        String yaml = YamlText.write(sdl(1, 1, "2.0"));
        SdlLimits limits = with("maxBytes", 4096);
        assertValid(parse(RandomizedSdlTest.padWithComments(yaml, 4096).getBytes(UTF_8), limits), why("4096 bytes"));
        assertLimitError(
                parse(RandomizedSdlTest.padWithComments(yaml, 4097).getBytes(UTF_8), limits),
                e -> e.message().contains("at most 4 KiB"),
                "4097 bytes");
    }

    @Test
    void sizeErrorNamesALimitThatIsNotAWholeKibibyte() {
        String yaml = "version: \"2.0\"\n";
        SdlResult result = parse(RandomizedSdlTest.padWithComments(yaml, 1001).getBytes(UTF_8), with("maxBytes", 1000));
        assertLimitError(result, e -> e.message().contains("1000"), "1001 bytes over a 1000-byte limit");
    }

    @Test
    void textLimitCountsUtf8Bytes() {
        String yaml = YamlText.write(sdl(1, 1, "2.0"));
        StringBuilder text = new StringBuilder(yaml);
        while (text.length() + 101 <= DEFAULT.maxBytes()) {
            text.append('#').repeat('é', 99).append('\n');
        }
        String big = text.toString();
        assertTrue(big.length() <= DEFAULT.maxBytes());
        assertTrue(big.getBytes(UTF_8).length > DEFAULT.maxBytes());

        assertLimitError(
                parse(big.getBytes(UTF_8), DEFAULT), e -> e.message().contains("an SDL may be at most"), "bytes API");
        SdlResult fromText = SdlChecks.parse(big, SOURCE, why("text API"));
        assertLimitError(
                fromText,
                e -> e.message().contains("an SDL may be at most"),
                "text API, same content as the bytes API");
    }

    // ----- maxDepth -----

    @Test
    void nestingOfExactlyMaxDepthIsAcceptedAndOneMoreIsNot() {
        // root, services, s1 and then nested lists under an unknown field (only a warning) of s1.
        int listsAtLimit = DEFAULT.maxDepth() - 3;
        assertValid(parse(nested(listsAtLimit), DEFAULT), why("depth 64"));
        assertLimitError(
                parse(nested(listsAtLimit + 1), DEFAULT), e -> e.message().contains("deeper than 64"), "depth 65");
    }

    @Test
    void customMaxDepth() {
        SdlLimits limits = with("maxDepth", 10);
        assertValid(parse(nested(7), limits), why("depth 10"));
        assertLimitError(parse(nested(8), limits), e -> e.message().contains("deeper than 10"), "depth 11");
    }

    /** The base SDL with {@code lists} nested lists under {@code services.s1.x-nested}. */
    private static byte[] nested(int lists) {
        Object value = "x";
        for (int i = 0; i < lists; i++) {
            List<Object> wrapper = new ArrayList<>();
            wrapper.add(value);
            value = wrapper;
        }
        Map<String, Object> tree = sdl(1, 1, "2.0");
        obj(obj(tree.get("services")).get("s1")).put("x-nested", value);
        return YamlText.write(tree).getBytes(UTF_8);
    }

    // ----- maxNodes -----

    @Test
    void documentOfExactlyMaxNodesIsAcceptedAndOneMoreIsNot() {
        Map<String, Object> tree = sdl(1, 1, "2.0");
        long base = nodes(tree) + 2; // the key x-pad and its list
        int items = (int) (DEFAULT.maxNodes() - base);
        assertValid(parse(padded(tree, items), DEFAULT), why(DEFAULT.maxNodes() + " nodes"));
        assertLimitError(
                parse(padded(tree, items + 1), DEFAULT),
                e -> e.message().contains("more than 200000 nodes"),
                DEFAULT.maxNodes() + 1 + " nodes");
    }

    /** The tree with {@code services.s1.x-pad} a flow list of {@code items} numbers (two bytes each). */
    private static byte[] padded(Map<String, Object> tree, int items) {
        Map<String, Object> copy = SdlGenerator.copyDocument(tree);
        obj(obj(copy.get("services")).get("s1")).put("x-pad", "PAD");
        String list = "[" + "1,".repeat(items - 1) + "1]";
        return YamlText.write(copy).replace("\"PAD\"", list).getBytes(UTF_8);
    }

    @Test
    void customMaxNodesCountsAliasesExpanded() {
        // services.s1 gets two unknown fields (warnings only): a list of ten numbers, and a list of ten
        // copies of it, which the writer turns into one anchor and ten aliases.
        Map<String, Object> tree = sdl(1, 1, "2.0");
        List<Object> ten = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
        obj(obj(tree.get("services")).get("s1")).put("x-ten", ten);
        obj(obj(tree.get("services")).get("s1")).put("x-pad", new ArrayList<>(Collections.nCopies(10, ten)));
        String yaml = YamlText.write(tree, new YamlText.Style(YamlText.KeyOrder.AS_GIVEN, true));
        assertTrue(yaml.contains("- *a"), yaml);
        long limit = nodes(tree);

        assertValid(parse(yaml.getBytes(UTF_8), with("maxNodes", limit)), why(limit + " nodes through aliases"));
        assertLimitError(
                parse(yaml.getBytes(UTF_8), with("maxNodes", limit - 1)),
                e -> e.message().contains("more than " + (limit - 1) + " nodes"),
                limit + " nodes through aliases, limit " + (limit - 1));
    }

    /** Nodes of a tree as the limit counts them: every scalar, key, mapping and list. */
    private static long nodes(Object tree) {
        if (tree instanceof Map<?, ?> m) {
            long n = 1;
            for (Object v : m.values()) {
                n += 1 + nodes(v);
            }
            return n;
        }
        if (tree instanceof List<?> l) {
            long n = 1;
            for (Object v : l) {
                n += nodes(v);
            }
            return n;
        }
        return 1;
    }

    // ----- maxServices -----

    @Test
    void defaultServiceLimit() {
        assertValid(parse(YamlText.write(sdl(100, 20, "2.0")).getBytes(UTF_8), DEFAULT), why("100 services"));
        assertLimitError(
                parse(YamlText.write(sdl(101, 20, "2.0")).getBytes(UTF_8), DEFAULT),
                e -> e.path().equals("services") && e.message().contains("at most 100"),
                "101 services");
    }

    @Test
    void customServiceLimit() {
        SdlLimits limits = with("maxServices", 3);
        assertValid(parse(YamlText.write(sdl(3, 3, "2.0")).getBytes(UTF_8), limits), why("3 services"));
        assertLimitError(
                parse(YamlText.write(sdl(4, 4, "2.0")).getBytes(UTF_8), limits),
                e -> e.path().equals("services") && e.message().contains("at most 3"),
                "4 services");
    }

    // ----- maxGroups -----

    @Test
    void defaultGroupLimit() {
        assertValid(parse(YamlText.write(sdl(20, 1, "2.0")).getBytes(UTF_8), DEFAULT), why("20 groups"));
        assertLimitError(
                parse(YamlText.write(sdl(21, 1, "2.0")).getBytes(UTF_8), DEFAULT),
                e -> e.path().equals("deployment") && e.message().contains("at most 20 groups"),
                "21 groups");
    }

    @Test
    void customGroupLimit() {
        SdlLimits limits = with("maxGroups", 2);
        assertValid(parse(YamlText.write(sdl(2, 1, "2.1")).getBytes(UTF_8), limits), why("2 groups"));
        assertLimitError(
                parse(YamlText.write(sdl(3, 1, "2.1")).getBytes(UTF_8), limits),
                e -> e.message().contains("at most 2 groups"),
                "3 groups");
    }

    // ----- maxUnitsPerGroup -----

    @Test
    void defaultUnitsPerGroupLimit() {
        assertValid(parse(YamlText.write(sdl(20, 20, "2.0")).getBytes(UTF_8), DEFAULT), why("20 units"));
        assertLimitError(
                parse(YamlText.write(sdl(21, 21, "2.0")).getBytes(UTF_8), DEFAULT),
                e -> e.message().contains("21 resource units") && e.message().contains("at most 20"),
                "21 units in SDL 2.0");
    }

    @Test
    void unitsOfSdl21AreComputeProfilesNotServices() {
        Map<String, Object> shared = sdl(21, 21, "2.1");
        useOneProfile(shared);
        assertValid(parse(YamlText.write(shared).getBytes(UTF_8), DEFAULT), why("21 services sharing 1 profile"));
        assertLimitError(
                parse(YamlText.write(sdl(21, 21, "2.1")).getBytes(UTF_8), DEFAULT),
                e -> e.message().contains("21 resource units") && e.message().contains("at most 20"),
                "21 profiles in SDL 2.1");
    }

    @Test
    void customUnitsPerGroupLimit() {
        SdlLimits limits = with("maxUnitsPerGroup", 2);
        assertValid(parse(YamlText.write(sdl(2, 2, "2.0")).getBytes(UTF_8), limits), why("2 units"));
        assertLimitError(
                parse(YamlText.write(sdl(3, 3, "2.0")).getBytes(UTF_8), limits),
                e -> e.message().contains("3 resource units") && e.message().contains("at most 2"),
                "3 units");
    }

    // ----- maxCount -----

    @Test
    void defaultCountLimit() {
        assertValid(parse(withCount(50), DEFAULT), why("count 50"));
        assertLimitError(
                parse(withCount(51), DEFAULT),
                e -> e.path().endsWith(".count") && e.message().contains("at most 50"),
                "count 51");
    }

    @Test
    void customCountLimit() {
        SdlLimits limits = with("maxCount", 3);
        assertValid(parse(withCount(3), limits), why("count 3"));
        assertLimitError(
                parse(withCount(4), limits),
                e -> e.path().endsWith(".count") && e.message().contains("at most 3"),
                "count 4");
    }

    private static byte[] withCount(long count) {
        Map<String, Object> tree = sdl(1, 1, "2.0");
        obj(obj(obj(tree.get("deployment")).get("s1")).get("g1")).put("count", count);
        return YamlText.write(tree).getBytes(UTF_8);
    }

    // ----- maxVolumesPerProfile -----

    @Test
    void defaultVolumeLimit() {
        assertValid(parse(withVolumes(20), DEFAULT), why("20 volumes"));
        assertLimitError(
                parse(withVolumes(21), DEFAULT),
                e -> e.path().endsWith(".storage") && e.message().contains("at most 20"),
                "21 volumes");
    }

    @Test
    void customVolumeLimit() {
        SdlLimits limits = with("maxVolumesPerProfile", 2);
        assertValid(parse(withVolumes(2), limits), why("2 volumes"));
        assertLimitError(
                parse(withVolumes(3), limits),
                e -> e.path().endsWith(".storage") && e.message().contains("at most 2"),
                "3 volumes");
    }

    private static byte[] withVolumes(int count) {
        Map<String, Object> tree = sdl(1, 1, "2.0");
        List<Object> volumes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            volumes.add(map("name", "v" + i, "size", (10 + i) + "Mi"));
        }
        Map<String, Object> resources =
                obj(obj(obj(obj(tree.get("profiles")).get("compute")).get("p1")).get("resources"));
        resources.put("storage", volumes);
        return YamlText.write(tree).getBytes(UTF_8);
    }

    // ----- documents and helpers -----

    /**
     * An SDL with {@code services} services {@code s1..sN}, each exposed globally on port 80 and with its
     * own compute profile {@code p1..pN}, deployed with count 1 to placements {@code g1..} holding
     * {@code perPlacement} services each.
     */
    private static Map<String, Object> sdl(int services, int perPlacement, String version) {
        Map<String, Object> svcs = new LinkedHashMap<>();
        Map<String, Object> compute = new LinkedHashMap<>();
        Map<String, Object> placements = new LinkedHashMap<>();
        Map<String, Object> deployment = new LinkedHashMap<>();
        for (int i = 1; i <= services; i++) {
            String placement = "g" + ((i - 1) / perPlacement + 1);
            svcs.put(
                    "s" + i,
                    map(
                            "image",
                            "nginx:1.27",
                            "expose",
                            List.of(map("port", 80L, "as", 80L, "to", List.of(map("global", true))))));
            compute.put(
                    "p" + i,
                    map(
                            "resources",
                            map(
                                    "cpu", map("units", "100m"),
                                    "memory", map("size", "128Mi"),
                                    "storage", map("size", "512Mi"))));
            Object profile =
                    placements.computeIfAbsent(placement, k -> map("pricing", new LinkedHashMap<String, Object>()));
            obj(obj(profile).get("pricing")).put("p" + i, map("denom", "uusd", "amount", 100L));
            deployment.put("s" + i, map(placement, map("profile", "p" + i, "count", 1L)));
        }
        return SdlGenerator.copyDocument(map(
                "version", version,
                "services", svcs,
                "profiles", map("compute", compute, "placement", placements),
                "deployment", deployment));
    }

    /** Makes every service use compute profile p1. */
    private static void useOneProfile(Map<String, Object> tree) {
        Map<String, Object> profiles = obj(tree.get("profiles"));
        obj(profiles.get("compute")).keySet().removeIf(name -> !name.equals("p1"));
        for (Object placement : obj(profiles.get("placement")).values()) {
            obj(obj(placement).get("pricing")).keySet().removeIf(name -> !name.equals("p1"));
        }
        for (Object entries : obj(tree.get("deployment")).values()) {
            for (Object entry : obj(entries).values()) {
                obj(entry).put("profile", "p1");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    /** The default limits with one of them changed. */
    private static SdlLimits with(String limit, long value) {
        return new SdlLimits(
                limit.equals("maxBytes") ? (int) value : DEFAULT.maxBytes(),
                limit.equals("maxDepth") ? (int) value : DEFAULT.maxDepth(),
                limit.equals("maxNodes") ? value : DEFAULT.maxNodes(),
                limit.equals("maxServices") ? (int) value : DEFAULT.maxServices(),
                limit.equals("maxGroups") ? (int) value : DEFAULT.maxGroups(),
                limit.equals("maxUnitsPerGroup") ? (int) value : DEFAULT.maxUnitsPerGroup(),
                limit.equals("maxCount") ? (int) value : DEFAULT.maxCount(),
                limit.equals("maxVolumesPerProfile") ? (int) value : DEFAULT.maxVolumesPerProfile());
    }

    private static SdlResult parse(byte[] bytes, SdlLimits limits) {
        SdlResult result = SdlChecks.parse(bytes, SOURCE, limits, why(limits.toString()));
        assertClean(result, SOURCE, why(limits.toString()));
        return result;
    }

    private static void assertLimitError(SdlResult result, Predicate<SdlError> naming, String what) {
        assertClean(result, SOURCE, why(what));
        assertSomeError(result, naming, "naming the limit", why(what));
    }

    private static Supplier<String> why(String what) {
        return () -> "LimitsTest: " + what;
    }
}

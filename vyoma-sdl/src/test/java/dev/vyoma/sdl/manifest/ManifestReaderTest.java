package dev.vyoma.sdl.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.InvalidManifestException.Problem;
import dev.vyoma.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider reads what a tenant sends exactly once, into the typed manifest: Akash's own manifests and ours are
 * read back to what was sent, with the same version; everything unbounded, unknown or ambiguous is refused with a
 * message naming the field; every bound holds at its value and refuses one past it.
 */
class ManifestReaderTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static byte[] bytes(Object tree) {
        return JsonWriter.compact(tree).getBytes(StandardCharsets.UTF_8);
    }

    /** The web example's manifest as a mutable JSON tree. */
    @SuppressWarnings("unchecked")
    private static List<Object> web() throws Exception {
        SdlDocument doc = Sdl.parse(Fixtures.webSdlFile()).document();
        return JSON.readValue(JsonWriter.compact(AkashJson.manifest(doc.manifest())), List.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> group(List<Object> m, int i) {
        return (Map<String, Object>) m.get(i);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> services(List<Object> m) {
        return (List<Object>) group(m, 0).get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(List<Object> m, int i) {
        return (Map<String, Object>) services(m).get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> tree) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(tree), LinkedHashMap.class);
    }

    /** The web example changed by {@code change}, read. */
    private static Manifest read(Consumer<List<Object>> change) throws Exception {
        List<Object> m = web();
        change.accept(m);
        return ManifestReader.read(bytes(m));
    }

    private static void refused(Consumer<List<Object>> change, String message) {
        assertThatThrownBy(() -> read(change))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void akashsOwnManifestsAreReadAsSent() throws Exception {
        List<Path> fixtures;
        try (Stream<Path> files = Files.walk(Fixtures.akashSdl().resolve("output-fixtures"))) {
            fixtures = files.filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .sorted()
                    .toList();
        }
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(15);
        for (Path f : fixtures) {
            byte[] sent = Files.readAllBytes(f);
            Manifest m = ManifestReader.read(sent);
            assertThat(m.version())
                    .as(f.toString())
                    .isEqualTo(
                            ManifestVersion.ofCanonicalJson(JsonWriter.canonical(JSON.readValue(sent, Object.class))));
        }
    }

    @Test
    void theExamplesReadBackToTheManifestTheSdlBuilt() throws Exception {
        try (Stream<Path> files = Files.list(Fixtures.repositoryRoot().resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                SdlDocument doc = Sdl.parse(f).document();
                Manifest m = ManifestReader.read(bytes(AkashJson.manifest(doc.manifest())));
                assertThat(m).as(f.toString()).isEqualTo(doc.manifest());
                assertThat(m.version()).isEqualTo(doc.manifestVersion());
            }
        }
    }

    /** The review's attack: counts of 0 or below, which a check counted as none and a runtime started once. */
    @Test
    void everyServiceRunsOneToFiftyReplicas() throws Exception {
        refused(m -> service(m, 0).put("count", 0), "count is 0; it must be between 1 and 50");
        refused(m -> service(m, 0).put("count", -6), "count is -6");
        assertThat(read(m -> service(m, 0).put("count", ManifestLimits.MAX_COUNT))
                        .groups()
                        .get(0)
                        .services()
                        .get(0)
                        .count())
                .isEqualTo(50);
        refused(m -> service(m, 0).put("count", ManifestLimits.MAX_COUNT + 1), "count is 51");
        refused(m -> service(m, 0).put("count", "1"), "count is a whole number, got a string");
    }

    /** The review's attack: a second group of the same name, deployed but never checked. */
    @Test
    void groupAndServiceNamesAreUnique() throws Exception {
        refused(m -> m.add(m.get(0)), "group dcloud appears twice");
        refused(
                m -> {
                    try {
                        services(m).add(copy(service(m, 0)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "service web appears twice");
    }

    /** The review's attack: a service name that is a path into another lease's directory. */
    @Test
    void serviceNamesFollowTheSdlsRule() throws Exception {
        for (String bad :
                List.of("../vyoma1victim_5_1_1_vyoma1prov/web", "../../../tmp/x", "Web", "web/", "-web", "", "a.b")) {
            refused(m -> service(m, 0).put("name", bad), "is not a service name");
        }
        refused(m -> service(m, 0).put("name", "w".repeat(64)), "name is 64 characters; a service name has at most 63");
        assertThat(read(m -> service(m, 0).put("name", "w".repeat(63)))
                        .groups()
                        .get(0)
                        .services()
                        .get(0)
                        .name())
                .hasSize(63);
    }

    @Test
    void groupsAndServicesAreBounded() throws Exception {
        Consumer<List<Object>> groups = m -> {
            for (int i = 1; i < ManifestLimits.MAX_GROUPS; i++) {
                try {
                    Map<String, Object> g = copy(group(m, 0));
                    g.put("name", "g" + i);
                    m.add(g);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        assertThat(read(groups).groups()).hasSize(20);
        refused(
                groups.andThen(m -> {
                    try {
                        Map<String, Object> g = copy(group(m, 0));
                        g.put("name", "one-more");
                        m.add(g);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                "the manifest has 21 groups; it has 1 to 20");
        Consumer<List<Object>> services = m -> {
            for (int i = 1; i < ManifestLimits.MAX_SERVICES_PER_GROUP; i++) {
                try {
                    Map<String, Object> s = copy(service(m, 0));
                    s.put("name", "s" + i);
                    services(m).add(s);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        assertThat(read(services).groups().get(0).services()).hasSize(100);
        refused(
                services.andThen(m -> {
                    try {
                        Map<String, Object> s = copy(service(m, 0));
                        s.put("name", "one-more");
                        services(m).add(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                "services has 101 entries; at most 100");
        refused(m -> m.clear(), "it has 1 to 20");
        refused(m -> services(m).clear(), "services is empty");
    }

    @Test
    void envCommandAndArgsAreBounded() throws Exception {
        List<Object> env = new ArrayList<>();
        for (int i = 0; i < ManifestLimits.MAX_ENV_ENTRIES; i++) {
            env.add("V" + i + "=x");
        }
        assertThat(read(m -> service(m, 0).put("env", env))
                        .groups()
                        .get(0)
                        .services()
                        .get(0)
                        .env())
                .hasSize(128);
        List<Object> tooMany = new ArrayList<>(env);
        tooMany.add("ONE=more");
        refused(m -> service(m, 0).put("env", tooMany), "env has 129 entries; at most 128");
        String longest = "A=" + "x".repeat(ManifestLimits.MAX_VALUE_CHARS - 2);
        read(m -> service(m, 0).put("env", List.of(longest)));
        refused(m -> service(m, 0).put("env", List.of(longest + "x")), "env is 16385 characters; at most 16384");
        refused(m -> service(m, 0).put("env", List.of("A=\0")), "NUL");
        refused(m -> service(m, 0).put("env", List.of("BAD NAME=1")), "is not NAME=value");
        refused(m -> service(m, 0).put("env", List.of("..=1")), "is not NAME=value");
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < ManifestLimits.MAX_ARGS; i++) {
            args.add("a" + i);
        }
        read(m -> service(m, 0).put("args", args));
        List<Object> tooManyArgs = new ArrayList<>(args);
        tooManyArgs.add("more");
        refused(m -> service(m, 0).put("args", tooManyArgs), "args has 129 entries");
        refused(m -> service(m, 0).put("command", tooManyArgs), "command has 129 entries");
        refused(m -> service(m, 0).put("image", "nginx latest"), "is not an image name");
        refused(m -> service(m, 0).put("image", "n".repeat(ManifestLimits.MAX_STRING_CHARS + 1)), "at most 1024");
    }

    @Test
    @SuppressWarnings("unchecked")
    void exposesAndTheirHttpOptionsAreBounded() throws Exception {
        Consumer<List<Object>> exposes = m -> {
            List<Object> list = (List<Object>) service(m, 0).get("expose");
            Map<String, Object> first = (Map<String, Object>) list.get(0);
            for (int i = 1; i < ManifestLimits.MAX_EXPOSES_PER_SERVICE; i++) {
                try {
                    Map<String, Object> e = copy(first);
                    e.put("port", 1000 + i);
                    list.add(e);
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }
        };
        read(exposes);
        refused(
                exposes.andThen(m -> {
                    List<Object> list = (List<Object>) service(m, 0).get("expose");
                    list.add(list.get(1));
                }),
                "expose has 33 entries; at most 32");
        assertThat(read(m -> http(m).put("maxBodySize", HttpOptions.MAX_BODY_SIZE))
                        .groups()
                        .get(0)
                        .services()
                        .get(0)
                        .expose()
                        .get(0)
                        .httpOptions()
                        .maxBodySize())
                .isEqualTo(104_857_600);
        refused(
                m -> http(m).put("maxBodySize", HttpOptions.MAX_BODY_SIZE + 1),
                "maxBodySize is 104857601; it must be between 0 and 104857600");
        refused(m -> http(m).put("maxBodySize", 1_500_000_000L), "maxBodySize is 1500000000");
        refused(m -> http(m).put("readTimeout", HttpOptions.MAX_READ_TIMEOUT_MS + 1), "readTimeout is 60001");
        refused(m -> http(m).put("nextCases", List.of("error", "teapot")), "nextCases has \"teapot\"");
        refused(m -> expose(m).put("port", 0), "port is 0; it must be between 1 and 65535");
        refused(m -> expose(m).put("proto", "HTTP"), "proto is TCP or UDP");
        List<Object> hosts = new ArrayList<>();
        for (int i = 0; i <= ManifestLimits.MAX_HOSTS_PER_EXPOSE; i++) {
            hosts.add("h" + i + ".example.com");
        }
        refused(m -> expose(m).put("hosts", hosts), "hosts has 33 entries; at most 32");
        read(m -> expose(m).put("hosts", hosts.subList(0, 32)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expose(List<Object> m) {
        return (Map<String, Object>) ((List<Object>) service(m, 0).get("expose")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> http(List<Object> m) {
        return (Map<String, Object>) expose(m).get("httpOptions");
    }

    @Test
    void unknownShapesAreRefused() throws Exception {
        refused(m -> service(m, 0).put("privileged", true), "unknown field \"privileged\"");
        refused(m -> group(m, 0).put("extra", 1), "unknown field \"extra\"");
        refused(m -> http(m).put("maxBodySize", "1Mi"), "maxBodySize is a whole number, got a string");
        refused(m -> service(m, 0).remove("resources"), "resources is missing");
        refused(m -> service(m, 0).put("expose", null), "expose is a list, got null");
        refused(m -> service(m, 0).put("params", null), "params is a JSON object, got null");
        refused(m -> m.set(0, "dcloud"), "group 0 is a JSON object, got a string");
        // Written back, the typed manifest is not what was sent: a field this provider would not read.
        refused(
                m -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) service(m, 0).get("resources");
                    r.put("storage", List.of());
                },
                "a field or value this provider does not read");
        assertThatThrownBy(() -> ManifestReader.read("{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("a JSON list of groups");
    }

    @Test
    void jsonThatTwoReadersCouldReadDifferentlyIsRefused() throws Exception {
        String good = JsonWriter.compact(web());
        assertThat(ManifestReader.read(good.getBytes(StandardCharsets.UTF_8)).groups())
                .hasSize(1);
        for (String bad : List.of(
                "{",
                good + "x",
                good.replace("\"count\":1", "\"count\":1.0"),
                good.replace("\"count\":1", "\"count\":1e0"),
                good.replace("\"count\":1", "\"count\":01"),
                good.replace("\"count\":1", "\"count\":99999999999999999999"),
                good.replace("\"count\":1,", "\"count\":1,\"count\":7,"),
                "[".repeat(ManifestLimits.MAX_DEPTH + 2) + "]".repeat(ManifestLimits.MAX_DEPTH + 2))) {
            assertThatThrownBy(() -> ManifestReader.read(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad.length() > 80 ? bad.substring(0, 80) : bad)
                    .isInstanceOfSatisfying(
                            InvalidManifestException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.NOT_JSON));
        }
        assertThatThrownBy(() -> ManifestReader.read(new byte[] {'[', (byte) 0xC3, ']'}))
                .hasMessageContaining("not UTF-8");
        // Nesting at the bound (the outer list and 16 levels in it) is JSON, then not a manifest; one past it is not
        // read at all (above).
        assertThatThrownBy(() -> ManifestReader.read(
                        ("[".repeat(ManifestLimits.MAX_DEPTH + 1) + "]".repeat(ManifestLimits.MAX_DEPTH + 1))
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        InvalidManifestException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.INVALID));
    }

    @Test
    void aManifestIsAtMostOneMebibyte() throws Exception {
        String good = JsonWriter.compact(web());
        byte[] padded =
                (good + " ".repeat(ManifestLimits.MAX_MANIFEST_BYTES - good.length())).getBytes(StandardCharsets.UTF_8);
        assertThat(padded).hasSize(ManifestLimits.MAX_MANIFEST_BYTES);
        ManifestReader.read(padded);
        byte[] over = (good + " ".repeat(ManifestLimits.MAX_MANIFEST_BYTES - good.length() + 1))
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ManifestReader.read(over))
                .isInstanceOfSatisfying(
                        InvalidManifestException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.TOO_LARGE));
    }
}

package dev.vyoma.sdl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestVersion;
import dev.vyoma.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Akash's own SDL fixtures (shared/conformance/akash-sdl): every valid input must give group specs and a
 * manifest equal, as JSON values, to what Akash's Go implementation produced, and a version hash equal to
 * SHA-256 over the fixture manifest's canonical JSON; every invalid input must be rejected with an error
 * that names the offending field. Cases where we deliberately differ from Akash's Go parser are listed
 * in {@link #SCHEMA_ONLY} and docs/sdl.md.
 */
class AkashConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Fixtures.akashSdl();

    /** Invalid inputs (Go and Akash's schema both reject): file, field path of the error, message part. */
    private static final List<Expectation> INVALID = List.of(
            new Expectation("count-zero.yaml", "deployment.web.akash.count", "at least 1"),
            new Expectation("credentials-missing-host.yaml", "services.web.credentials", "host"),
            new Expectation("empty-image.yaml", "services.web.image", "image"),
            new Expectation("endpoint-not-used.yaml", "endpoints.myendpoint", "never used"),
            new Expectation("invalid-endpoint-name.yaml", "endpoints.Invalid-Name", "not valid"),
            new Expectation("invalid-port.yaml", "services.web.expose[0].port", "1–65535"),
            new Expectation("invalid-protocol.yaml", "services.web.expose[0].proto", "HTTP"),
            new Expectation("ip-without-global.yaml", "services.web.expose[0].to[0].ip", "global"),
            new Expectation("missing-deployment.yaml", "deployment", "deployment"),
            new Expectation("missing-image.yaml", "services.web.image", "image"),
            new Expectation("missing-memory-size.yaml", "profiles.compute.web.resources.memory", "memory"),
            new Expectation("missing-pricing.yaml", "profiles.placement.akash", "pricing"),
            new Expectation("missing-version.yaml", "", "version"),
            new Expectation("negative-cpu.yaml", "profiles.compute.web.resources.cpu.units", "-100m"),
            new Expectation("persistent-without-mount.yaml", "profiles.compute.web.resources.storage[0]", "mount"),
            new Expectation("port-too-high.yaml", "services.web.expose[0].port", "99999"),
            new Expectation("port-zero.yaml", "services.web.expose[0].port", "got 0"),
            new Expectation("ram-persistent-true.yaml", "profiles.compute.web.resources.storage[0].attributes", "ram"),
            new Expectation("unknown-field.yaml", "unknown_field", "unknown field"),
            new Expectation("v2.1-reclamation-bad-window.yaml", "reclamation.min_window", "more than zero"),
            new Expectation("v2.1-tee-cpu-gpu-no-gpu.yaml", "services.web.params.tee", "GPU"));

    /**
     * Inputs Akash's schema (and so Akash Console) rejects but its Go parser accepts. Our decision per file:
     * null = accepted as Go does; otherwise rejected, with the field path of the error.
     */
    private static final Map<String, Expectation> SCHEMA_ONLY = Map.of(
            "email-too-short.yaml", Expectation.VALID,
            "password-too-short.yaml", Expectation.VALID,
            // Denominations are the ledger's business (Vyoma's are uusd and uvyo), not the SDL's.
            "invalid-denom.yaml", Expectation.VALID,
            // Go's compound durations are unambiguous; Go accepts them and so do we.
            "reclamation-compound-window.yaml", Expectation.VALID,
            // Go ignores "amd" and silently accepts any NVIDIA GPU instead: a tenant asking for AMD
            // would get the wrong hardware. Rejected, as Akash's schema does.
            "invalid-gpu-vendor.yaml",
                    new Expectation(
                            "invalid-gpu-vendor.yaml",
                            "profiles.compute.web.resources.gpu.attributes.vendor.amd",
                            "amd"),
            // Go reads any version >= 2.1 as 2.1; guessing the meaning of a future version is unsafe.
            "invalid-version.yaml", new Expectation("invalid-version.yaml", "version", "3.0"));

    /** Akash's Go test data: which files its tests (or its rules) reject, and the error's field. */
    private static final Map<String, Expectation> GO_TESTDATA_INVALID = Map.of(
            "deployment-svc-mismatch.yaml",
                    new Expectation("deployment-svc-mismatch.yaml", "deployment.webapp.westcoast", "no service named"),
            "v2.1-deployment-svc-mismatch.yaml",
                    new Expectation(
                            "v2.1-deployment-svc-mismatch.yaml", "deployment.webapp.westcoast", "no service named"),
            "simple-reclamation-invalid.yaml",
                    new Expectation("simple-reclamation-invalid.yaml", "reclamation.min_window", "abc"),
            "simple-reclamation-zero.yaml",
                    new Expectation("simple-reclamation-zero.yaml", "reclamation.min_window", "more than zero"),
            "v2.1-reclamation-invalid.yaml",
                    new Expectation("v2.1-reclamation-invalid.yaml", "reclamation.min_window", "abc"),
            "v2.1-reclamation-zero.yaml",
                    new Expectation("v2.1-reclamation-zero.yaml", "reclamation.min_window", "more than zero"),
            "storageClass1.yaml",
                    new Expectation("storageClass1.yaml", "services.web.params.storage.configs", "absolute path"),
            "storageClass2.yaml",
                    new Expectation("storageClass2.yaml", "services.web.params.storage.configs.mount", "absolute path"),
            "storageClass3.yaml",
                    new Expectation("storageClass3.yaml", "services.web.params.storage.data", "no volume"),
            "storageClass4.yaml",
                    new Expectation("storageClass4.yaml", "services.web.params.storage.data.mount", "already used"));

    private static final Map<String, Expectation> GO_TESTDATA_INVALID_MORE = Map.of(
            "storageClass5.yaml",
                    new Expectation("storageClass5.yaml", "profiles.compute.web.resources.storage[1]", "mount"),
            "v2.1-credentials-error.yaml",
                    new Expectation("v2.1-credentials-error.yaml", "services.web.credentials", "host"));

    record Expectation(String file, String path, String messagePart) {
        static final Expectation VALID = new Expectation("", "", "");
    }

    @TestFactory
    Stream<DynamicTest> validFixturesMatchAkashOutput() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String version : List.of("v2.0", "v2.1")) {
            try (Stream<Path> dirs = Files.list(ROOT.resolve("input").resolve(version))) {
                for (Path dir : dirs.sorted().toList()) {
                    String name = version + "/" + dir.getFileName();
                    tests.add(DynamicTest.dynamicTest(name, () -> assertMatchesFixtures(dir, name)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(15);
        return tests.stream();
    }

    private void assertMatchesFixtures(Path inputDir, String name) throws IOException {
        SdlResult result = Sdl.parse(inputDir.resolve("input.yaml"));
        assertThat(result.errors()).as(name).isEmpty();
        SdlDocument doc = result.document();
        Path fixtures = ROOT.resolve("output-fixtures").resolve(name);

        JsonNode expectedGroups =
                JSON.readTree(fixtures.resolve("group-specs.json").toFile());
        JsonNode actualGroups = JSON.readTree(JsonWriter.compact(AkashJson.groupSpecs(doc.groups())));
        assertThat(actualGroups).as(name + " group specs").isEqualTo(expectedGroups);

        JsonNode expectedManifest =
                JSON.readTree(fixtures.resolve("manifest.json").toFile());
        JsonNode actualManifest = JSON.readTree(JsonWriter.compact(AkashJson.manifest(doc.manifest())));
        assertThat(actualManifest).as(name + " manifest").isEqualTo(expectedManifest);

        // The hash Akash would compute from its own manifest JSON: canonicalise the fixture, then SHA-256.
        String canonicalFixture = JsonWriter.canonical(toTree(expectedManifest));
        assertThat(ManifestVersion.canonicalJson(doc.manifest()))
                .as(name + " canonical manifest JSON")
                .isEqualTo(canonicalFixture);
        assertThat(doc.manifestVersion()).isEqualTo(ManifestVersion.ofCanonicalJson(canonicalFixture));
    }

    @TestFactory
    Stream<DynamicTest> invalidInputsAreRejectedNamingTheField() {
        return INVALID.stream()
                .map(e -> DynamicTest.dynamicTest(
                        e.file(),
                        () -> assertRejected(ROOT.resolve("input/invalid").resolve(e.file()), e)));
    }

    @Test
    void everyInvalidFixtureIsCovered() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("input/invalid"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactlyInAnyOrderElementsOf(
                            INVALID.stream().map(Expectation::file).toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> schemaOnlyInvalidInputsFollowOurDecisions() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("input/schema-only-invalid"))) {
            List<Path> all = files.sorted().toList();
            assertThat(all.stream().map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(SCHEMA_ONLY.keySet());
            return all.stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                        Expectation e = SCHEMA_ONLY.get(p.getFileName().toString());
                        if (e == Expectation.VALID) {
                            assertThat(Sdl.parse(p).errors()).isEmpty();
                        } else {
                            assertRejected(p, e);
                        }
                    }));
        }
    }

    @Test
    void compoundReclamationWindowIsReadAsGoDoes() throws IOException {
        SdlResult result = Sdl.parse(ROOT.resolve("input/schema-only-invalid/reclamation-compound-window.yaml"));
        assertThat(result.document().reclamationMinWindow()).contains(Duration.ofMinutes(90));
    }

    @TestFactory
    Stream<DynamicTest> goTestdataIsAcceptedOrRejectedAsAkashDoes() throws IOException {
        Map<String, Expectation> invalid = new LinkedHashMap<>(GO_TESTDATA_INVALID);
        invalid.putAll(GO_TESTDATA_INVALID_MORE);
        try (Stream<Path> files = Files.walk(ROOT.resolve("input/go-testdata"))) {
            List<Path> all =
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(all).hasSizeGreaterThan(50);
            return all.stream()
                    .map(p -> DynamicTest.dynamicTest(
                            ROOT.resolve("input/go-testdata").relativize(p).toString(), () -> {
                                Expectation e = invalid.get(p.getFileName().toString());
                                if (e != null) {
                                    assertRejected(p, e);
                                    return;
                                }
                                SdlResult first = Sdl.parse(p);
                                assertThat(first.errors()).as(p.toString()).isEmpty();
                                SdlResult again = Sdl.parse(Files.readAllBytes(p), "again.yaml");
                                assertThat(again.document().manifestVersion())
                                        .isEqualTo(first.document().manifestVersion());
                            }));
        }
    }

    @Test
    void reclamationWindowIsRead() throws IOException {
        for (String file : List.of("simple-reclamation.yaml", "v2.1-simple-reclamation.yaml")) {
            SdlResult result = Sdl.parse(ROOT.resolve("input/go-testdata").resolve(file));
            assertThat(result.document().reclamationMinWindow()).as(file).contains(Duration.ofHours(24));
        }
        assertThat(Sdl.parse(ROOT.resolve("input/go-testdata/simple.yaml"))
                        .document()
                        .reclamationMinWindow())
                .isEmpty();
    }

    @Test
    void unknownServiceFieldsThatAkashIgnoresAreWarnings() throws IOException {
        SdlResult result = Sdl.parse(ROOT.resolve("input/go-testdata/simple4.yaml"));
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w.path()).isEqualTo("services.wordpress.depends_on"));
    }

    /** The known answer from Akash's TypeScript SDK tests ("Basic SDL": one tetris service). */
    @Test
    void versionMatchesAkashTypescriptKnownAnswer() {
        String sdl = """
                version: "2.0"
                services:
                  tetris:
                    image: bsord/tetris
                    expose:
                      - port: 80
                        as: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    tetris:
                      resources:
                        cpu:
                          units: 1
                        memory:
                          size: 512Mi
                        storage:
                          size: 512Mi
                  placement:
                    akash:
                      pricing:
                        tetris:
                          denom: uakt
                          amount: 1000
                deployment:
                  tetris:
                    akash:
                      profile: tetris
                      count: 1
                """;
        SdlResult result = Sdl.parse(sdl, "tetris.yaml");
        assertThat(result.document().manifestVersion().hex())
                .isEqualTo("ee52e329aa45b0638c27065d52eb0dc92f6704194bc63c6435c56fb549dded7d");
    }

    private static void assertRejected(Path file, Expectation e) throws IOException {
        SdlResult result = Sdl.parse(file);
        assertThat(result.isValid()).as(file + " must be rejected").isFalse();
        assertThat(result.errors()).as(file.getFileName().toString()).anySatisfy(err -> {
            assertThat(err.path()).isEqualTo(e.path());
            assertThat(err.message()).contains(e.messagePart());
            assertThat(err.line()).isPositive();
        });
        assertThat(result.errors())
                .allSatisfy(err ->
                        assertThat(err.source()).isEqualTo(file.getFileName().toString()));
    }

    /** A Jackson tree as the plain maps and lists our JSON writer takes. */
    private static Object toTree(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (var e : node.properties()) {
                map.put(e.getKey(), toTree(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : node) {
                list.add(toTree(item));
            }
            return list;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        return node.stringValue();
    }
}

package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.manifest.ManifestGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The objects built for every valid SDL of the shared Akash conformance fixtures and of the repository's examples,
 * as YAML, against reviewed files in {@code src/test/resources/kubernetes-golden}: any change to what a manifest
 * becomes shows as a diff. {@code -Dvyoma.golden.write=true} writes the files anew (review them before committing).
 */
class LeaseObjectsGoldenTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static Path root() {
        return Path.of(System.getProperty("vyoma.root", "..")).toAbsolutePath().normalize();
    }

    private static Path goldenDir() {
        return root().resolve("vyoma-provider/src/test/resources/kubernetes-golden");
    }

    /** Every SDL file to build, by its golden file's name. */
    static Map<String, Path> fixtures() throws IOException {
        Map<String, Path> out = new TreeMap<>();
        Path conformance = Path.of(System.getProperty("vyoma.conformance", "../../shared/conformance"))
                .resolve("akash-sdl/input");
        assertThat(conformance).as("the shared conformance fixtures").isDirectory();
        try (Stream<Path> files = Files.walk(conformance)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String rel = conformance.relativize(f).toString();
                if (!rel.startsWith("invalid") && !rel.startsWith("schema-only-invalid")) {
                    out.put("akash-sdl__" + rel.replace('/', '_').replace(".yaml", "") + ".yaml", f);
                }
            }
        }
        try (Stream<Path> files = Files.list(root().resolve("examples"))) {
            files.filter(p -> p.toString().endsWith(".yaml")).forEach(f -> out.put("examples__" + f.getFileName(), f));
        }
        return out;
    }

    /** What one SDL file becomes: per manifest group its objects, or the reason it is refused. */
    static String render(Path sdl) throws Exception {
        SdlResult r = Sdl.parse(sdl);
        if (!(r instanceof SdlResult.Valid v)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (ManifestGroup g : Fixtures.groups(v)) {
            out.append("# group ").append(g.name()).append('\n');
            try {
                LeaseObjects.Built b = LeaseObjects.build(Fixtures.LEASE, g, Fixtures.SETTINGS, Fixtures.CATALOG);
                for (HasMetadata o : b.objects()) {
                    out.append(YAML.asYaml(o).replaceFirst("^---\n", "")).append("---\n");
                }
            } catch (Refused e) {
                out.append("# refused: ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void everyValidFixtureBuildsTheReviewedObjects() throws Exception {
        boolean write = Boolean.getBoolean("vyoma.golden.write");
        List<String> built = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, Path> f : fixtures().entrySet()) {
            String yaml = render(f.getValue());
            if (yaml == null) {
                continue;
            }
            built.add(f.getKey());
            Path golden = goldenDir().resolve(f.getKey());
            if (write) {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, yaml);
            } else if (!Files.exists(golden) || !Files.readString(golden).equals(yaml)) {
                differ.add(f.getKey());
                assertThat(yaml)
                        .as(f.getKey() + " (regenerate with -Dvyoma.golden.write=true)")
                        .isEqualTo(Files.exists(golden) ? Files.readString(golden) : "");
            }
        }
        assertThat(differ).isEmpty();
        assertThat(built).as("valid fixtures").hasSizeGreaterThan(40);
        // No golden file is left over from a fixture that is gone or became invalid.
        try (Stream<Path> files = Files.list(goldenDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactlyElementsOf(built.stream().sorted().toList());
        }
    }

    @Test
    void theSameManifestAlwaysBuildsTheSameYaml() throws Exception {
        for (Path f : fixtures().values().stream().limit(12).toList()) {
            assertThat(render(f)).isEqualTo(render(f));
        }
    }
}

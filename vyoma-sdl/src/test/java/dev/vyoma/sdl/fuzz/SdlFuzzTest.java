package dev.vyoma.sdl.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlError;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestVersion;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YamlException;
import dev.vyoma.sdl.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Fuzzes the SDL reader with arbitrary files. Reading never throws: the result is either every error of the file,
 * each a one-line message, or a document whose manifest, written as {@code vyoma sdl manifest} writes it, is
 * accepted by the provider's {@link ManifestReader} as the same manifest with the same version, the version the
 * deployment records on the chain. Along the way the block-style subset YAML reader is compared with SnakeYAML
 * Engine on the same text: wherever the subset reader gives a tree, SnakeYAML accepts the text and gives the
 * same tree.
 */
@Isolated
class SdlFuzzTest {
    private static final YamlReader YAML = new YamlReader(64, 100_000);

    @FuzzTest
    void parse(byte[] file) throws InvalidManifestException {
        sameTreeAsSnakeYaml(new String(file, StandardCharsets.UTF_8));
        SdlResult result = Sdl.parse(file, "fuzz.yaml");
        for (SdlError w : result.warnings()) {
            assertOneLine(w);
        }
        if (result instanceof SdlResult.Invalid invalid) {
            assertThat(invalid.errors()).isNotEmpty().isSortedAccordingTo(SdlError.IN_FILE_ORDER);
            invalid.errors().forEach(SdlFuzzTest::assertOneLine);
            return;
        }
        SdlDocument doc = result.document();
        assertThat(doc.groups()).isNotEmpty();
        assertThat(doc.manifestVersion()).isEqualTo(ManifestVersion.of(doc.manifest()));
        // The provider reads the manifest the tenant sends back to the same manifest, under the same version.
        byte[] sent = ManifestVersion.canonicalJson(doc.manifest()).getBytes(StandardCharsets.UTF_8);
        Manifest read = ManifestReader.read(sent);
        assertThat(read).isEqualTo(doc.manifest());
        assertThat(read.version()).isEqualTo(doc.manifestVersion());
        // Reading is a function of the bytes.
        assertThat(Sdl.parse(file, "fuzz.yaml").document().manifestVersion()).isEqualTo(doc.manifestVersion());
    }

    private static void sameTreeAsSnakeYaml(String text) {
        Optional<YNode> subset = YAML.readSubset(text);
        if (subset.isEmpty()) {
            return;
        }
        try {
            assertThat(YAML.readWithEngine(text)).as("SnakeYAML's tree").isEqualTo(subset);
        } catch (YamlException e) {
            throw new AssertionError("the subset reader read a text SnakeYAML rejects: " + e.getMessage(), e);
        }
    }

    private static void assertOneLine(SdlError e) {
        assertThat(e.message()).isNotBlank();
        assertThat(e.format().chars().noneMatch(Character::isISOControl))
                .as("one line: %s", e.format())
                .isTrue();
        assertThat(e.line()).isNotNegative();
        assertThat(e.column()).isNotNegative();
    }
}

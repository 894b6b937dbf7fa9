package dev.vyoma.sdl.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestLimits;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Fuzzes {@link ManifestReader#read}, what a provider's gateway does with the body a tenant sends to {@code PUT
 * /v1/leases/…/manifest}. Each body is refused with an {@link InvalidManifestException} (its problem picks the
 * gateway's 413, 400 or 422; its message is one bounded line) or read into a manifest whose canonical JSON is
 * read back to the same manifest and version.
 */
@Isolated
class ManifestFuzzTest {
    @FuzzTest
    void read(byte[] body) throws InvalidManifestException {
        Manifest manifest;
        try {
            manifest = ManifestReader.read(body);
        } catch (InvalidManifestException e) {
            assertThat(e.problem()).isNotNull();
            assertThat(e.getMessage())
                    .isNotBlank()
                    .hasSizeLessThanOrEqualTo(InvalidManifestException.MAX_MESSAGE_CHARS + 1);
            assertThat(e.getMessage().chars().noneMatch(Character::isISOControl))
                    .as("one line: %s", e.getMessage())
                    .isTrue();
            return;
        }
        assertThat(body.length).isLessThanOrEqualTo(ManifestLimits.MAX_MANIFEST_BYTES);
        assertThat(manifest.groups()).isNotEmpty();
        String canonical = ManifestVersion.canonicalJson(manifest);
        Manifest again = ManifestReader.read(canonical.getBytes(StandardCharsets.UTF_8));
        assertThat(again).isEqualTo(manifest);
        assertThat(again.version()).isEqualTo(manifest.version());
        assertThat(ManifestVersion.canonicalJson(again)).isEqualTo(canonical);
    }
}

package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.json.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The manifest JSON the runtime receives today reads back into exactly the records the SDL reader built. */
class ManifestJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyExampleReadsBackIntoTheSameRecords() throws Exception {
        try (Stream<Path> files = Files.list(Fixtures.repositoryRoot().resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                SdlResult r = Sdl.parse(f);
                assertThat(r).as(f.toString()).isInstanceOf(SdlResult.Valid.class);
                Manifest m = ((SdlResult.Valid) r).document().manifest();
                var json = JSON.readTree(JsonWriter.compact(AkashJson.manifest(m)));
                assertThat(ManifestJson.groups(json)).as(f.toString()).isEqualTo(m.groups());
                assertThat(new Manifest(ManifestJson.groups(json)).version()).isEqualTo(m.version());
            }
        }
    }

    @Test
    void aMalformedManifestIsRefusedWithItsField() {
        assertThatThrownBy(() -> ManifestJson.groups(JSON.readTree("{}")))
                .hasMessage("the manifest is a JSON list of groups");
        assertThatThrownBy(() -> ManifestJson.groups(JSON.readTree("[{\"name\":\"dc\",\"services\":[{\"name\":1}]}]")))
                .hasMessage("manifest: name must be a string");
        assertThatThrownBy(
                        () -> ManifestJson.groups(
                                JSON.readTree(
                                        "[{\"name\":\"dc\",\"services\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"cpu\":{\"units\":{\"val\":\"-1\"}}}}]}]")))
                .hasMessage("manifest: units.val must be a whole number, got -1");
    }
}

package dev.vyoma.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled gallery: every template a valid SDL with a title, a description and an SVG icon. */
class GalleryTest {
    @Test
    void everyBundledTemplateIsAValidSdlWithItsDescriptionAndIcon() {
        Gallery g = Gallery.bundled();
        assertThat(g.templates())
                .extracting(Gallery.Template::name)
                .containsExactly("web", "db-app", "llm-worker", "gpu-notebook");
        for (Gallery.Template t : g.templates()) {
            SdlCheck.Result r = SdlCheck.check(t.sdl());
            assertThat(r.errors()).as(t.name()).isEmpty();
            assertThat(r.groups()).as(t.name()).isNotEmpty();
            assertThat(t.title()).as(t.name()).isNotBlank().doesNotStartWith("#");
            assertThat(t.description()).as(t.name()).hasSizeGreaterThan(40);
            assertThat(t.iconSvg()).as(t.name()).startsWith("<svg").doesNotContain("<script");
        }
        assertThat(SdlCheck.check(g.find("llm-worker").orElseThrow().sdl())
                        .groups()
                        .get(0)
                        .units()
                        .get(0)
                        .gpu())
                .contains("h100");
        assertThat(SdlCheck.check(g.find("web").orElseThrow().sdl())
                        .groups()
                        .get(0)
                        .ceilingPerBlock())
                .isEqualTo("1000 uusd");
    }

    @Test
    void aGalleryOutsideItsFolderOrWithABadNameIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gallery.txt"), "../etc\n");
        assertThatThrownBy(() -> Gallery.of(dir)).hasMessageContaining("bad template name");
        Files.writeString(dir.resolve("gallery.txt"), "missing\n");
        assertThatThrownBy(() -> Gallery.of(dir)).hasMessageContaining("has no missing/README.md");
    }

    @Test
    void keepIsANumberAndAUnitWithinAYear() {
        assertThat(Routes.keep("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Routes.keep("7d")).isEqualTo(Duration.ofDays(7));
        for (String bad : new String[] {"", "0h", "367d", "1w", "-1h", "9999999h", "12"}) {
            assertThatThrownBy(() -> Routes.keep(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

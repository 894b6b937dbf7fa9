package dev.vyoma.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.client.Keyring;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The console's TLS settings: a value whose password no caller can change afterwards and no log can show. */
class TlsSettingsTest {
    private static final Path STORE = Path.of("console.p12");

    @Test
    void settingsWithTheSamePasswordAreEqualAndHashAlike() {
        ConsoleServer.Tls a = new ConsoleServer.Tls(STORE, "s3cret".toCharArray());
        ConsoleServer.Tls b = new ConsoleServer.Tls(STORE, "s3cret".toCharArray());

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new ConsoleServer.Tls(STORE, "other".toCharArray()));
        assertThat(a).isNotEqualTo(new ConsoleServer.Tls(Path.of("other.p12"), "s3cret".toCharArray()));
    }

    @Test
    void changingThePasswordArrayPassedInOrReturnedLeavesTheSettingsAsTheyWere() {
        char[] given = "s3cret".toCharArray();
        ConsoleServer.Tls tls = new ConsoleServer.Tls(STORE, given);

        given[0] = 'X';
        tls.password()[1] = 'Y';

        assertThat(tls.password()).containsExactly('s', '3', 'c', 'r', 'e', 't');
    }

    @Test
    void thePasswordIsNeverPrinted() {
        ConsoleServer.Tls tls = new ConsoleServer.Tls(STORE, "s3cret".toCharArray());

        assertThat(tls.toString()).contains("console.p12").doesNotContain("s3cret");
        assertThat(new ConsoleServer.Settings(
                                "http://127.0.0.1:26657",
                                Path.of("home"),
                                Keyring.Backend.FILE,
                                "127.0.0.1",
                                0,
                                Optional.of(tls),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())
                        .toString())
                .doesNotContain("s3cret");
    }
}

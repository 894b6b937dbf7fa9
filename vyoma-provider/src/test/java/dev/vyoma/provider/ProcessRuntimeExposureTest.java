package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process runtime runs tenants' commands as the provider's own user, so a provider serves it beyond this machine
 * only when its operator says so: otherwise it refuses to start, before anything listens, with one line that says
 * what to change.
 */
class ProcessRuntimeExposureTest {
    @TempDir
    Path dir;

    /** A configuration whose chain does not answer (nothing listens on port 1): the check comes before it. */
    private static final String CONFIG = """
            node: http://127.0.0.1:1
            key: provider
            keyringBackend: test
            host: auto
            gateway: 127.0.0.1:0
            ingress: INGRESS
            ingressDomain: DOMAIN
            inventory:
              nodes:
                - {name: n0, cpu: 8, memory: 32Gi, storage: 200Gi}
            pricing: {denom: uusd, cpu: 10, memoryGi: 5, storageGi: {ephemeral: 1, ram: 5}, endpoint: 1}
            """;

    private Path config(String ingress, String domain, String extra) throws Exception {
        Path f = dir.resolve("provider.yaml");
        Files.writeString(f, CONFIG.replace("INGRESS", ingress).replace("DOMAIN", domain) + extra);
        return f;
    }

    private static KeyPair key() {
        return KeyPair.fromSeed(Arrays.copyOf("exposure:provider".getBytes(StandardCharsets.UTF_8), 32));
    }

    @Test
    void aNonLoopbackIngressNeedsTheOperatorsConsent() throws Exception {
        for (String[] exposed :
                List.of(new String[] {"0.0.0.0:0", "localhost"}, new String[] {"127.0.0.1:0", "0.0.0.0"}, new String[] {
                    "no-such-host.invalid:0", "localhost"
                })) {
            ProviderConfig c = ProviderConfig.read(config(exposed[0], exposed[1], ""));
            assertThat(c.allowProcessRuntime()).isFalse();
            assertThatThrownBy(() -> ProviderDaemon.start(c, key(), dir.resolve("state")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runs tenants' commands as this provider's own user")
                    .hasMessageContaining("allowProcessRuntime: true")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        // With consent (or on loopback) the check passes: the start goes on until it needs the chain, which is not
        // there.
        ProviderConfig allowed = ProviderConfig.read(config("0.0.0.0:0", "localhost", "allowProcessRuntime: true\n"));
        assertThat(allowed.allowProcessRuntime()).isTrue();
        assertThatThrownBy(() -> ProviderDaemon.start(allowed, key(), dir.resolve("state")))
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("allowProcessRuntime"));
        ProviderConfig local = ProviderConfig.read(config("127.0.0.1:0", "localhost", ""));
        assertThatThrownBy(() -> ProviderDaemon.start(local, key(), dir.resolve("state")))
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("allowProcessRuntime"));
        Files.writeString(dir.resolve("bad.yaml"), CONFIG + "allowProcessRuntime: maybe\n");
        assertThatThrownBy(() -> ProviderConfig.read(dir.resolve("bad.yaml")))
                .hasMessageContaining("allowProcessRuntime is true or false");
    }

    /** ProviderMain: the same refusal as one line and exit status 1; {@code --allow-process-runtime} consents. */
    @Test
    void providerMainSaysWhatToChange() throws Exception {
        Path home = dir.resolve("home");
        Keyring.open(home, Keyring.Backend.TEST)
                .importSeed("provider", Arrays.copyOf("exposure:seed".getBytes(StandardCharsets.UTF_8), 32), null);
        Path exposed = config("0.0.0.0:0", "localhost", "");
        Run refused = providerMain(home, exposed);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output().strip())
                .startsWith("vyoma provider: the process runtime runs tenants' commands")
                .contains("--allow-process-runtime")
                .doesNotContain("\n")
                .doesNotContain("Exception");
        Run consented = providerMain(home, exposed, "--allow-process-runtime");
        assertThat(consented.output()).doesNotContain("the process runtime runs tenants' commands");
    }

    private record Run(int code, String output) {}

    private static Run providerMain(Path home, Path config, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                ProviderMain.class.getName(),
                "--home",
                home.toString(),
                "--config",
                config.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out);
    }
}

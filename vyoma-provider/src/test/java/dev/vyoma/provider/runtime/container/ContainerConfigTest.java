package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.provider.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provider.yaml's {@code runtime} and {@code containerEngine}, and what a provider says when no engine answers. */
class ContainerConfigTest {
    private static final String CONFIG = """
            node: http://127.0.0.1:1317
            key: provider
            host: https://provider.example.com:8443
            inventory:
              nodes:
                - {name: n0, cpu: 8, memory: 16Gi, storage: 100Gi}
            pricing: {denom: uusd, cpu: 10, memoryGi: 5}
            """;

    @TempDir
    Path dir;

    private ProviderConfig read(String extra) throws IOException {
        Path f = dir.resolve("provider.yaml");
        Files.writeString(f, CONFIG + extra);
        return ProviderConfig.read(f);
    }

    @Test
    void theRuntimeIsProcessesUnlessContainersAreAskedFor() throws Exception {
        assertThat(read("").runtime()).isEqualTo(ProviderConfig.Runtime.PROCESS);
        assertThat(read("").containerEngine()).isEmpty();
        ProviderConfig c = read("runtime: container\ncontainerEngine: unix:///run/podman/podman.sock\n");
        assertThat(c.runtime()).isEqualTo(ProviderConfig.Runtime.CONTAINER);
        assertThat(c.containerEngine()).contains(EngineAddress.parse("unix:///run/podman/podman.sock"));
        assertThatThrownBy(() -> read("runtime: docker\n"))
                .hasMessageContaining("runtime must be process or container, got docker");
        assertThatThrownBy(() -> read("containerEngine: tcp://10.0.0.1:2375\n"))
                .hasMessageContaining("containerEngine: container engine tcp://10.0.0.1:2375: give a Unix socket");
    }

    @Test
    void noEngineAtTheSocketSaysHowToStartOne() {
        Optional<EngineAddress> none = Optional.of(EngineAddress.parse("unix://" + dir.resolve("none.sock")));
        assertThatThrownBy(() -> ContainerRuntime.connect(none, "vyoma1p", dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no container engine answers at unix://" + dir.resolve("none.sock"))
                .hasMessageContaining("system service");
    }
}

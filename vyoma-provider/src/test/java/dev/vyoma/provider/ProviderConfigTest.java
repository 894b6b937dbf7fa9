package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provider.yaml's {@code host}: what the chain will accept, checked when the file is read. */
class ProviderConfigTest {
    private static final String CONFIG = """
            node: http://127.0.0.1:1317
            key: provider
            host: HOST
            inventory:
              nodes:
                - {name: n0, cpu: 8, memory: 16Gi, storage: 100Gi}
            pricing: {denom: uusd, cpu: 10, memoryGi: 5}
            """;

    @TempDir
    Path dir;

    private ProviderConfig read(String host) throws IOException {
        Path f = dir.resolve("provider.yaml");
        Files.writeString(f, CONFIG.replace("HOST", host));
        return ProviderConfig.read(f);
    }

    @Test
    void theHostHasTheOneSpellingTheChainAccepts() throws Exception {
        assertThat(read("auto").host()).isEqualTo("auto");
        assertThat(read("https://provider.example.com:8443").host()).isEqualTo("https://provider.example.com:8443");
        assertThatThrownBy(() -> read("https://Provider.example.com/"))
                .hasMessageContaining("host: host URI must not have a path");
        assertThatThrownBy(() -> read("https://provider.example.com:8443?x=1"))
                .hasMessageContaining("host: host URI must not have a query or a fragment");
        assertThatThrownBy(() -> read("https://Provider.example.com"))
                .hasMessageContaining("write the host URI as https://provider.example.com");
    }
}

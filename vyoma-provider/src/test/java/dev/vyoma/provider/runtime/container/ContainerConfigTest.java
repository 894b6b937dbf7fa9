package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.provider.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void theStopGraceIsTenSecondsUnlessSetAndWholeSecondsUpToAMinute() throws Exception {
        assertThat(read("").containerStopGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(read("containerStopGrace: 30s\n").containerStopGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(read("containerStopGrace: 0s\n").containerStopGrace()).isZero();
        assertThatThrownBy(() -> read("containerStopGrace: 2m\n"))
                .hasMessageContaining("containerStopGrace: the stop grace must be whole seconds from 0s to 60s");
        assertThatThrownBy(() -> read("containerStopGrace: 1500ms\n")).hasMessageContaining("containerStopGrace");
        assertThatThrownBy(() -> read("containerStopGrace: -1s\n")).hasMessageContaining("containerStopGrace");
        assertThatThrownBy(() -> read("containerStopGrace: soon\n")).hasMessageContaining("containerStopGrace");
    }

    @Test
    void gpusAreNamedByTheirCdiIndexUnlessTheConfigNamesThem() throws Exception {
        assertThat(read("").containerGpus().gpus()).isEmpty();
        String gpus = CONFIG.replace(
                "storage: 100Gi}", "storage: 100Gi, gpus: {count: 2, vendor: nvidia, model: h100, ram: 80Gi}}");
        Path f = dir.resolve("gpus.yaml");
        Files.writeString(f, gpus);
        assertThat(ProviderConfig.read(f).containerGpus().gpus())
                .extracting(GpuPool.Gpu::cdiName)
                .containsExactly("nvidia.com/gpu=0", "nvidia.com/gpu=1");
        Files.writeString(f, gpus + "gpuCdi: {kind: vyoma.test/gpu, devices: [GPU-1a2b, GPU-3c4d]}\n");
        GpuPool named = ProviderConfig.read(f).containerGpus();
        assertThat(named.gpus())
                .extracting(GpuPool.Gpu::cdiName)
                .containsExactly("vyoma.test/gpu=GPU-1a2b", "vyoma.test/gpu=GPU-3c4d");
        assertThat(named.gpus().get(0).device().model()).isEqualTo("h100");
        Files.writeString(f, gpus + "gpuCdi: {devices: [0]}\n");
        assertThatThrownBy(() -> ProviderConfig.read(f)).hasMessageContaining("gpuCdi: 2 GPUs but 1 CDI names");
        Files.writeString(f, gpus + "gpuCdi: {devices: [0, 0]}\n");
        assertThatThrownBy(() -> ProviderConfig.read(f)).hasMessageContaining("nvidia.com/gpu=0 is given twice");
        Files.writeString(f, gpus + "gpuCdi: {kind: \"nvidia.com/gpu; rm\"}\n");
        assertThatThrownBy(() -> ProviderConfig.read(f)).hasMessageContaining("is not vendor/class");
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

package dev.vyoma.provider.bid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuDiscoveryTest {
    @Test
    void namesAsAkashsRegistryDoes() {
        var gpus = GpuDiscovery.parse("""
                NVIDIA H100 80GB HBM3, 81559
                NVIDIA H100 PCIe, 81559
                NVIDIA A100-SXM4-80GB, 81920
                NVIDIA A100-PCIE-40GB, 40960
                NVIDIA GeForce RTX 4090, 24564
                NVIDIA RTX A6000, 49140
                Tesla T4, 15360
                NVIDIA L40S, 46068
                """);
        assertThat(gpus)
                .extracting(GpuDevice::key)
                .containsExactly(
                        "vendor/nvidia/model/h100/ram/80Gi/interface/sxm",
                        "vendor/nvidia/model/h100/ram/80Gi/interface/pcie",
                        "vendor/nvidia/model/a100/ram/80Gi/interface/sxm",
                        "vendor/nvidia/model/a100/ram/40Gi/interface/pcie",
                        "vendor/nvidia/model/rtx4090/ram/24Gi/interface/pcie",
                        "vendor/nvidia/model/a6000/ram/48Gi/interface/pcie",
                        "vendor/nvidia/model/t4/ram/16Gi/interface/pcie",
                        "vendor/nvidia/model/l40s/ram/48Gi/interface/pcie");
        assertThat(GpuDiscovery.marketedGib(143_771)).isEqualTo(141);
        assertThat(GpuDiscovery.marketedGib(5_000)).isEqualTo(5);
        assertThat(GpuDiscovery.parse("\n")).isEmpty();
        assertThatThrownBy(() -> GpuDiscovery.parse("NVIDIA H100")).hasMessageContaining("nvidia-smi's CSV");
        assertThatThrownBy(() -> GpuDiscovery.parse("NVIDIA H100, lots")).hasMessageContaining("MiB");
    }
}

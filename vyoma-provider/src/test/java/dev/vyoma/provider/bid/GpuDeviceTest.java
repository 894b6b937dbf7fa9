package dev.vyoma.provider.bid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requested GPU attribute keys a device satisfies, the malformed ones a tenant can write included. */
class GpuDeviceTest {
    private static final GpuDevice H100 = new GpuDevice("nvidia", "h100", 80L << 30, "sxm5");

    @ParameterizedTest
    @CsvSource({
        "vendor/nvidia/model/h100, true",
        "vendor/nvidia/model/*, true",
        "VENDOR/NVIDIA/MODEL/H100, true",
        "vendor/nvidia/model/h100/ram/80Gi, true",
        "vendor/nvidia/model/h100/ram/80Gi/interface/sxm, true",
        "vendor/nvidia/model/h100/interface/sxm4, true",
        "vendor/nvidia, true",
        "vendor/nvidia/model/a100, false",
        "vendor/amd/model/h100, false",
        "vendor/nvidia/model/h100/ram/40Gi, false",
        "vendor/nvidia/model/h100/interface/pcie, false",
        // Malformed: a name without its value, empty parts, a trailing slash, an unknown field.
        "vendor/nvidia/model, false",
        "vendor/nvidia/model/, false",
        "vendor/nvidia/model/h100/, false",
        "vendor//model/h100, false",
        "/vendor/nvidia, false",
        "vendor/nvidia/model/h100/ram, false",
        "vendor/nvidia/colour/green, false",
        "vendor, false",
    })
    void satisfiesOnlyWellFormedKeysThatMatch(String key, boolean expected) {
        assertThat(H100.satisfies(key)).as(key).isEqualTo(expected);
    }
}

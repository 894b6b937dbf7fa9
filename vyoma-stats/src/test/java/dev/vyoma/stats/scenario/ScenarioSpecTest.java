package dev.vyoma.stats.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Reading a scenario file: the example reads; a wrong field is refused naming its path; limits hold. */
class ScenarioSpecTest {
    private static String example() throws Exception {
        return Files.readString(Path.of("../examples/scenarios/akash-2024q4-2025q1.yaml"), StandardCharsets.UTF_8);
    }

    private static ScenarioSpec parse(String yaml) {
        return ScenarioSpec.parse(yaml, "s.yaml");
    }

    @Test
    void theExampleReadsAsWritten() throws Exception {
        ScenarioSpec s = parse(example());
        assertThat(s.days()).isEqualTo(197);
        assertThat(s.providers().initial()).isEqualTo(67);
        assertThat(s.providers().joins()).containsExactly(LocalDate.parse("2025-02-10"), LocalDate.parse("2025-03-12"));
        assertThat(s.gpuModels())
                .extracting(ScenarioSpec.GpuModel::model)
                .containsExactly("h100", "a100", "rtx4090", "rtx3090");
        // Linear between dates, constant outside them.
        ScenarioSpec.Path capacity = s.paths().gpuCapacity();
        assertThat(capacity.at(LocalDate.parse("2025-01-01"))).isEqualTo(577.0);
        assertThat(capacity.at(LocalDate.parse("2025-03-31"))).isEqualTo(897.0);
        assertThat(capacity.at(LocalDate.parse("2025-02-15"))).isEqualTo(577 + 320.0 * 45 / 89);
        assertThat(capacity.at(LocalDate.parse("2026-01-01"))).isEqualTo(897.0);
        assertThat(s.gpuLeases().gpus()).containsKeys(1, 2, 4, 8);
    }

    @Test
    void providerRangesReadAsValues() throws Exception {
        ScenarioSpec s = parse(example());
        assertThat(s.providers().cpuCores()).isEqualTo(new ScenarioSpec.Range(64, 256));
        assertThat(s.providers().memoryBytes()).isEqualTo(new ScenarioSpec.Range(256L << 30, 2L << 40));
        assertThat(s.providers().storageBytes()).isEqualTo(new ScenarioSpec.Range(8L << 40, 64L << 40));
        // Two readings of one file are one scenario, as a cache keyed by it would need.
        ScenarioSpec again = parse(example());
        assertThat(again.providers()).isEqualTo(s.providers()).hasSameHashCodeAs(s.providers());
        assertThat(again).isEqualTo(s).hasSameHashCodeAs(s);
        assertThatThrownBy(() -> new ScenarioSpec.Range(2, 1)).hasMessageContaining("below its low end");
    }

    @Test
    void aWrongFieldIsRefusedNamingWhereItIs() throws Exception {
        String yaml = example();
        assertThatThrownBy(() -> parse(yaml.replace("share: 0.35", "shares: 0.35")))
                .hasMessageStartingWith("s.yaml: gpuModels[0].shares is not a field here");
        assertThatThrownBy(() -> parse(yaml.replace("memory: [256Gi, 2Ti]", "memory: [256Gi, lots]")))
                .hasMessage("s.yaml: providers.memory is a range [low, high] of sizes such as [256Gi, 2Ti]");
        assertThatThrownBy(() -> parse(yaml.replace("format: vyoma-stats-scenario/1", "format: sim")))
                .hasMessageContaining("format is vyoma-stats-scenario/1");
        assertThatThrownBy(() -> parse(yaml.replace("blockMinutes: 60 ", "blockMinutes: 7 ")))
                .hasMessageContaining("blockMinutes divides a day");
        assertThatThrownBy(() -> parse(yaml.replace("end: 2025-03-31", "end: 2024-09-01")))
                .hasMessageContaining("end is after start");
        assertThatThrownBy(() -> parse(yaml.replace("{cpu: 2, memory: 4Gi", "{cpu: two, memory: 4Gi")))
                .hasMessage("s.yaml: cpuLeases.shapes[1].cpu is a number of cores such as 0.5 or 4");
        assertThatThrownBy(() -> parse(yaml.replace("gpus: {1: 0.50,", "gpus: {25: 0.50,")))
                .hasMessage("s.yaml: gpuLeases.gpus.25 is a number of GPUs (1 to 24)");
        assertThatThrownBy(() -> parse("[not, a, map]")).hasMessage("s.yaml: the file is a map");
        assertThatThrownBy(() -> parse("a: [")).hasMessageStartingWith("s.yaml: not YAML");
    }

    @Test
    void daysUpToTheLimit() throws Exception {
        String yaml = example().replace("start: 2024-09-16", "start: 2024-03-27");
        // 2024-03-27 .. 2025-03-31 is 370 days; MAX_DAYS from the end back is the limit.
        LocalDate atLimit = LocalDate.parse("2025-03-31").minusDays(ScenarioSpec.MAX_DAYS - 1);
        assertThat(parse(example().replace("start: 2024-09-16", "start: " + atLimit))
                        .days())
                .isEqualTo(ScenarioSpec.MAX_DAYS);
        assertThatThrownBy(() -> parse(example().replace("start: 2024-09-16", "start: " + atLimit.minusDays(1))))
                .hasMessageContaining("at most " + ScenarioSpec.MAX_DAYS + " days");
        assertThat(parse(yaml).days()).isEqualTo(370);
    }

    @Test
    void tenantsAndProvidersUpToTheirLimits() throws Exception {
        String yaml = example();
        assertThat(parse(yaml.replace("tenants: 24", "tenants: " + ScenarioSpec.MAX_TENANTS))
                        .tenants())
                .isEqualTo(ScenarioSpec.MAX_TENANTS);
        assertThatThrownBy(() -> parse(yaml.replace("tenants: 24", "tenants: " + (ScenarioSpec.MAX_TENANTS + 1))))
                .hasMessageContaining("tenants is a whole number from 1 to " + ScenarioSpec.MAX_TENANTS);
        // Two providers join: the initial ones may be MAX_PROVIDERS - 2, not one more.
        int initial = ScenarioSpec.MAX_PROVIDERS - 2;
        assertThat(parse(yaml.replace("initial: 67", "initial: " + initial))
                        .providers()
                        .initial())
                .isEqualTo(initial);
        assertThatThrownBy(() -> parse(yaml.replace("initial: 67", "initial: " + (initial + 1))))
                .hasMessageContaining("makes more than " + ScenarioSpec.MAX_PROVIDERS + " providers");
    }

    @Test
    void pathsUpToTheirLimits() throws Exception {
        String yaml = example();
        String leases = "newLeasesPerDay: {2024-09-16: 690,";
        assertThat(parse(yaml.replace(leases, "newLeasesPerDay: {2024-09-16: " + ScenarioSpec.MAX_PER_DAY + ","))
                        .paths()
                        .newLeasesPerDay()
                        .at(LocalDate.parse("2024-09-16")))
                .isEqualTo(ScenarioSpec.MAX_PER_DAY);
        assertThatThrownBy(() -> parse(
                        yaml.replace(leases, "newLeasesPerDay: {2024-09-16: " + (ScenarioSpec.MAX_PER_DAY + 1) + ",")))
                .hasMessage(
                        "s.yaml: paths.newLeasesPerDay.2024-09-16 is from 0.0 to " + (double) ScenarioSpec.MAX_PER_DAY);
        String gpus = "gpuCapacity: {2024-09-16: 505,";
        assertThat(parse(yaml.replace(gpus, "gpuCapacity: {2024-09-16: " + ScenarioSpec.MAX_GPUS + ","))
                        .paths()
                        .gpuCapacity()
                        .at(LocalDate.parse("2024-09-16")))
                .isEqualTo(ScenarioSpec.MAX_GPUS);
        assertThatThrownBy(() ->
                        parse(yaml.replace(gpus, "gpuCapacity: {2024-09-16: " + (ScenarioSpec.MAX_GPUS + 1) + ",")))
                .hasMessage("s.yaml: paths.gpuCapacity.2024-09-16 is from 0.0 to " + (double) ScenarioSpec.MAX_GPUS);
    }

    @Test
    void aFileLargerThanTheLimitIsNotRead() throws Exception {
        String padded =
                example() + "#".repeat(ScenarioSpec.MAX_FILE_BYTES - example().length());
        assertThat(parse(padded).name()).isEqualTo("akash-2024q4-2025q1");
        assertThatThrownBy(() -> parse(padded + "#"))
                .hasMessageContaining("larger than " + ScenarioSpec.MAX_FILE_BYTES);
    }
}

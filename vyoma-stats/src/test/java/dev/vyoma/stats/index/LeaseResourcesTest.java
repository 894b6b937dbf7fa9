package dev.vyoma.stats.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.scenario.ScriptedChain;
import org.junit.jupiter.api.Test;

/** A group's GPU model is the one model its GPUs ask for, or none when they leave a choice. */
class LeaseResourcesTest {
    private static GroupSpec group(String gpuAttributes) {
        String yaml = """
                version: "2.0"
                services:
                  app:
                    image: example/app:1.0
                    expose:
                      - port: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    app:
                      resources:
                        cpu: {units: 1}
                        memory: {size: 1Gi}
                        storage: {size: 1Gi}
                        gpu:
                          units: 2
                          attributes:
                            vendor:
                              nvidia:
                ATTRS
                  placement:
                    dc:
                      pricing:
                        app: {denom: uusd, amount: 100}
                deployment:
                  app:
                    dc: {profile: app, count: 3}
                """.replace("ATTRS", gpuAttributes);
        SdlResult r = Sdl.parse(yaml, "t.yaml");
        assertThat(r.errors()).isEmpty();
        return r.document().groups().get(0);
    }

    @Test
    void oneModelIsTheGroupsModelAndItsGpusCountEveryReplica() {
        LeaseResources r = LeaseResources.of(group("                    - model: h100\n"));
        assertThat(r.gpuModel()).isEqualTo("nvidia h100");
        assertThat(r.gpuUnits()).isEqualTo(6);
    }

    @Test
    void aChoiceOfModelsOrAnyModelIsNoModel() {
        assertThat(LeaseResources.of(group("                    - model: h100\n                    - model: a100\n"))
                        .gpuModel())
                .isEmpty();
        assertThat(LeaseResources.of(ScriptedChain.groups("1", "1Gi", "1Gi", 0, "", 1, "10")
                                .get(0))
                        .gpuModel())
                .isEmpty();
    }
}

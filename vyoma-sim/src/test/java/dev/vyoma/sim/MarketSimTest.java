package dev.vyoma.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.KeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator on a small market (one simulated day at 30-second blocks, 2,880 blocks): the ledger's invariants
 * and every provider's capacity hold after every block, the same seed gives the same bytes and commitment, and
 * another seed gives others. {@code -Dsim.seed=N} replays a seed.
 */
class MarketSimTest {
    static final long SEED = Long.getLong("sim.seed", 7L);

    static Scenario small() throws IOException {
        String yaml = Files.readString(Path.of("../examples/scenarios/small.yaml"), StandardCharsets.UTF_8);
        return Scenario.parse(yaml.replace("blockSeconds: 6", "blockSeconds: 30"), "small.yaml");
    }

    static MarketSim run(Scenario sc, long seed, MarketSim.Checks checks) {
        MarketSim sim = new MarketSim(sc, seed, checks, 2);
        try {
            sim.run();
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " failed (replay with -Dsim.seed=" + seed + ")", e);
        } finally {
            sim.close();
        }
        return sim;
    }

    @Test
    void invariantsAndCapacityHoldAfterEveryBlock() throws IOException {
        MarketSim sim = run(small(), SEED, MarketSim.Checks.EVERY_BLOCK);
        assertThat(sim.height()).isEqualTo(2_880);
        Metrics m = sim.metrics;
        // The market did something: CPU and GPU leases, the surge left some H100 demand unmet, the failing and
        // leaving providers ended leases that were then placed again.
        assertThat(m.leasesCreated).isGreaterThan(300);
        assertThat(m.bidsCreated).isGreaterThan(m.leasesCreated);
        assertThat(m.unmet).isPositive();
        assertThat(m.interrupted).isPositive();
        assertThat(m.rejectedTxs).isLessThan(m.txs / 100 + 1);
        // Every provider's inventory is back to what its leases hold.
        for (SimProvider p : sim.providers) {
            assertThat(p.inventory.capacity().leases()).isEqualTo(p.leased.size());
        }
    }

    @Test
    void capacityCheckCatchesAProviderAllocatedPastWhatItDeclared() throws IOException {
        MarketSim sim = run(small(), SEED, new MarketSim.Checks(0, 0));
        // The same providers (same keys, so the same leases on chain) declared with half their GPUs and CPU.
        List<SimProvider> smaller = new ArrayList<>();
        for (SimProvider p : sim.providers) {
            Scenario.ProviderGroup g = p.group;
            Scenario.ProviderGroup half = new Scenario.ProviderGroup(
                    g.name(),
                    g.count(),
                    g.nodes(),
                    Math.max(1, g.cpu() / 8),
                    g.memoryBytes(),
                    g.storageBytes(),
                    g.gpuModel(),
                    g.gpusPerNode() / 4,
                    g.gpuRam(),
                    g.gpuInterface(),
                    g.pricing(),
                    g.joinFromDay(),
                    g.joinToDay(),
                    g.failure());
            smaller.add(new SimProvider(p.index, p.name, half, p.key, 1.0));
        }
        new CapacityCheck(sim.ledger(), sim.providers).verify(sim.height());
        assertThatThrownBy(() -> new CapacityCheck(sim.ledger(), smaller).verify(sim.height()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allocated past its capacity");
    }

    /**
     * Common random numbers: the same scenario without its surge gives the very same chain up to the block
     * before the surge starts (day 0.4 of 2,880 blocks: block 1,152), and a different one after.
     */
    @Test
    void aSurgeChangesNothingBeforeItStarts() throws IOException {
        String yaml = Files.readString(Path.of("../examples/scenarios/small.yaml"), StandardCharsets.UTF_8)
                .replace("blockSeconds: 6", "blockSeconds: 30");
        String without = yaml.replace("  - {kind: surge, model: h100, factor: 3, fromDay: 0.4, toDay: 0.6}\n", "");
        assertThat(without).isNotEqualTo(yaml);
        MarketSim surged = run(Scenario.parse(yaml, "small.yaml"), SEED, new MarketSim.Checks(0, 0));
        MarketSim plain = run(Scenario.parse(without, "small.yaml"), SEED, new MarketSim.Checks(0, 0));
        assertThat(surged.source().block(1_152).orElseThrow().hashHex())
                .isEqualTo(plain.source().block(1_152).orElseThrow().hashHex());
        assertThat(surged.source().block(2_880).orElseThrow().hashHex())
                .isNotEqualTo(plain.source().block(2_880).orElseThrow().hashHex());
    }

    @Test
    void sameSeedSameBytesOtherSeedOthers(@TempDir Path dir) throws Exception {
        Scenario sc = small();
        MarketSim a = run(sc, SEED, new MarketSim.Checks(0, 0));
        MarketSim b = run(sc, SEED, new MarketSim.Checks(0, 0));
        MarketSim c = run(sc, SEED + 1, new MarketSim.Checks(0, 0));
        assertThat(b.stateHex()).isEqualTo(a.stateHex());
        assertThat(b.blockHashHex()).isEqualTo(a.blockHashHex());
        assertThat(c.stateHex()).isNotEqualTo(a.stateHex());
        SimOutputs.write(a, dir.resolve("a"), Duration.ofDays(1), true);
        SimOutputs.write(b, dir.resolve("b"), Duration.ofDays(1), true);
        SimOutputs.write(c, dir.resolve("c"), Duration.ofDays(1), false);
        for (String f : List.of(
                "summary.json",
                "daily.csv",
                "providers.csv",
                "report.md",
                "report.json",
                "charts/gpu-price.png",
                "charts/gpu-utilisation.png")) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f)))
                    .as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
        assertThat(Files.readString(dir.resolve("c/daily.csv")))
                .isNotEqualTo(Files.readString(dir.resolve("a/daily.csv")));
        assertThat(Files.readString(dir.resolve("a/summary.json"))).contains(a.stateHex());
        // The stats report came from the simulated chain: its new leases are the simulator's.
        assertThat(Files.readString(dir.resolve("a/summary.json")))
                .contains("\"newLeases\": " + a.metrics.leasesCreatedInQuarter + ",");
    }

    @Test
    void aBadScenarioNamesTheFieldToFix() throws IOException {
        String yaml = Files.readString(Path.of("../examples/scenarios/small.yaml"), StandardCharsets.UTF_8);
        Map<String, String> cases = Map.of(
                yaml.replace("days: 1", "days: 0"), "small.yaml: days must be from 1",
                yaml.replace("pricing: market}", "pricing: nosuch}"), "providers[0].pricing names no strategy",
                yaml.replace("durationHours: 2, maxPriceUsdPerHour: 0.05", "durationHours: 2"),
                        "tenants[0].maxPriceUsdPerHour is missing",
                yaml.replace("memory: 1Gi", "memory: lots"), "tenants[0].memory is not a size",
                yaml.replace("kind: surge", "kind: flood"), "events[0].kind must be surge",
                yaml.replace("bidders: 3", "bidders: 3\ncolour: blue"), "colour is not a known field",
                yaml.replace("group: big", "group: huge"), "events[1].group names no provider group",
                yaml.replace("name: cpu,", "name: h100,"), "providers[2].name 'h100' names two provider groups",
                yaml.replace("name: rtx-infer,", "name: web,"), "tenants[2].name 'web' names two tenant kinds");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            assertThatThrownBy(() -> Scenario.parse(e.getKey(), "small.yaml"))
                    .isInstanceOf(ScenarioException.class)
                    .hasMessageContaining(e.getValue());
        }
        assertThatThrownBy(() -> Scenario.parse("- a list", "x.yaml")).hasMessageContaining("must be a YAML mapping");
    }

    @Test
    void theSimulatorsSignatureIsTheLedgersOwn() {
        KeyPair k = KeyPair.fromSeed(new byte[32]);
        byte[] msg = "vyoma/tx/v1\nexample".getBytes(StandardCharsets.UTF_8);
        assertThat(TxPipeline.sign(k, msg).bytes())
                .isEqualTo(dev.vyoma.ledger.crypto.Ed25519.sign(k.privateKey(), msg)
                        .bytes());
    }

    @Test
    void keysComeFromTheSeed() throws IOException {
        MarketSim a = new MarketSim(small(), 1, new MarketSim.Checks(0, 0), 1);
        MarketSim b = new MarketSim(small(), 2, new MarketSim.Checks(0, 0), 1);
        a.close();
        b.close();
        KeyPair ka = a.providers.get(0).key;
        assertThat(ka.address()).isNotEqualTo(b.providers.get(0).key.address());
    }
}

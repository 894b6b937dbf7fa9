package dev.vyoma.provider.bid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.testkit.Fixtures;
import dev.vyoma.testkit.Seeds;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bid engine on the example SDLs, a GPU provider and a CPU-only provider. */
class BidEngineTest {
    private static final long GI = 1L << 30;
    private static final GpuDevice H100 = new GpuDevice("nvidia", "h100", 80 * GI, "SXM5");
    private static final GpuDevice A100 = new GpuDevice("nvidia", "a100", 40 * GI, "pcie");

    private static final PriceList PRICES = new PriceList(
            "uusd",
            new BigDecimal("10"),
            new BigDecimal("5"),
            Map.of("ephemeral", new BigDecimal("0.5"), "ram", new BigDecimal("5"), "beta3", new BigDecimal("1")),
            Map.of("h100", new BigDecimal("20000"), "*", new BigDecimal("15000")),
            new BigDecimal("1"));

    private static GroupSpec example(String file) throws Exception {
        return Sdl.parse(Files.readString(Fixtures.repositoryRoot().resolve("examples/" + file)), file)
                .document()
                .groups()
                .get(0);
    }

    private static Inventory.NodeSpec gpuNode(String name, List<GpuDevice> gpus) {
        return new Inventory.NodeSpec(name, 64_000, 1_024 * GI, 2_000 * GI, gpus, Set.of("beta3"));
    }

    private static Inventory gpuInventory() {
        List<GpuDevice> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(H100);
        }
        return new Inventory(List.of(gpuNode("gpu-0", eight)), Map.of("beta3", 10_000 * GI));
    }

    private static final BidEngine.Profile GPU_PROFILE = new BidEngine.Profile(
            List.of(
                    new Attribute("region", "us-west"),
                    new Attribute("capabilities/storage/1/class", "ram"),
                    new Attribute("capabilities/storage/1/persistent", "false"),
                    new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true"),
                    new Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi", "true"),
                    new Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi/interface/sxm", "true")),
            List.of());

    private static final BidEngine.Profile CPU_PROFILE = new BidEngine.Profile(
            List.of(
                    new Attribute("region", "us-west"),
                    new Attribute("capabilities/storage/1/class", "ram"),
                    new Attribute("capabilities/storage/1/persistent", "false")),
            List.of());

    @Test
    void theGpuProviderBidsOnTheH100OrderAtItsPriceAndHoldsTheGpu() throws Exception {
        BidEngine engine = new BidEngine(gpuInventory(), PRICES);
        GroupSpec llm = example("gpu-llm.yaml");
        BidEngine.Decision d = engine.evaluate("o/1", llm, GPU_PROFILE);
        assertThat(d).isInstanceOf(BidEngine.Bid.class);
        BidEngine.Bid bid = (BidEngine.Bid) d;
        // 8 CPU × 10 + 64 GiB × 5 + 50 GiB ephemeral × 0.5 + 10 GiB ram × 5 + 1 H100 × 20,000 + 1 endpoint.
        assertThat(bid.price().amount()).isEqualByComparingTo("20476");
        assertThat(bid.price().amount().compareTo(llm.price().amount())).isNegative();
        assertThat(bid.reservation().gpuModels().get(1).key())
                .isEqualTo("vendor/nvidia/model/h100/ram/80Gi/interface/sxm");
        assertThat(engine.inventory().status().gpusFreeByModel()).containsEntry("nvidia/h100", 7);
        // The same order again holds the same capacity, not twice.
        engine.evaluate("o/1", llm, GPU_PROFILE);
        assertThat(engine.inventory().status().gpusFreeByModel()).containsEntry("nvidia/h100", 7);
        assertThat(engine.inventory().release("o/1")).isTrue();
        assertThat(engine.inventory().status().gpusFreeByModel()).containsEntry("nvidia/h100", 8);
    }

    @Test
    void theCpuProviderDoesNotBidOnGpusAndNobodyBidsOnAnA100() throws Exception {
        GroupSpec llm = example("gpu-llm.yaml");
        Inventory cpuOnly = new Inventory(
                List.of(new Inventory.NodeSpec("cpu-0", 32_000, 128 * GI, 1_000 * GI, List.of(), Set.of())), Map.of());
        BidEngine cpu = new BidEngine(cpuOnly, PRICES);
        assertThat(cpu.evaluate("o/1", llm, CPU_PROFILE))
                .isEqualTo(new BidEngine.Skip(
                        BidEngine.Excluded.NO_GPU,
                        "the provider offers none of the GPUs [vendor/nvidia/model/h100/ram/80Gi]"));

        String a100 = Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"))
                .replace("model: h100", "model: a100");
        GroupSpec wantsA100 = Sdl.parse(a100, "a100.yaml").document().groups().get(0);
        BidEngine gpu = new BidEngine(gpuInventory(), PRICES);
        assertThat(gpu.evaluate("o/2", wantsA100, GPU_PROFILE)).isInstanceOf(BidEngine.Skip.class);
        assertThat(gpu.inventory().status().reservations()).isZero();

        // Both bid on the web example; a provider outside the placement's attributes does not.
        GroupSpec web = example("web.yaml");
        assertThat(cpu.evaluate("o/3", web, CPU_PROFILE)).isInstanceOf(BidEngine.Bid.class);
        assertThat(gpu.evaluate("o/3", web, GPU_PROFILE)).isInstanceOf(BidEngine.Bid.class);
        GroupSpec eu = Sdl.parse(
                        Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"))
                                .replace("region: us-west", "region: eu-central"),
                        "eu.yaml")
                .document()
                .groups()
                .get(0);
        assertThat(((BidEngine.Skip) gpu.evaluate("o/4", eu, GPU_PROFILE)).reason())
                .contains("region=eu-central");
    }

    @Test
    void neverMoreGpusThanTheNodesHaveAndCapacityComesBack() throws Exception {
        BidEngine engine = new BidEngine(gpuInventory(), PRICES);
        GroupSpec llm = example("gpu-llm.yaml");
        for (int i = 0; i < 8; i++) {
            assertThat(engine.evaluate("o/" + i, llm, GPU_PROFILE)).isInstanceOf(BidEngine.Bid.class);
        }
        BidEngine.Decision ninth = engine.evaluate("o/8", llm, GPU_PROFILE);
        assertThat(((BidEngine.Skip) ninth).reason())
                .startsWith("insufficient capacity: 1 replica of resource unit 1 do not fit");
        engine.inventory().release("o/3");
        assertThat(engine.evaluate("o/8", llm, GPU_PROFILE)).isInstanceOf(BidEngine.Bid.class);
    }

    @Test
    void aPriceAboveTheOrdersMaximumIsNoBidAndHoldsNothing() throws Exception {
        PriceList dear = new PriceList(
                "uusd",
                BigDecimal.ONE,
                BigDecimal.ONE,
                Map.of("ephemeral", BigDecimal.ONE, "ram", BigDecimal.ONE),
                Map.of("*", new BigDecimal("1000000")),
                BigDecimal.ZERO);
        BidEngine engine = new BidEngine(gpuInventory(), dear);
        BidEngine.Decision d = engine.evaluate("o/1", example("gpu-llm.yaml"), GPU_PROFILE);
        assertThat(((BidEngine.Skip) d).reason()).contains("above the order's maximum");
        assertThat(engine.inventory().status().reservations()).isZero();
        assertThat(engine.inventory().status().gpusFreeByModel()).containsEntry("nvidia/h100", 8);
    }

    @Test
    void allReplicasOfAUnitGetTheSameGpuModel() throws Exception {
        String two = Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"))
                .replace(
                        "- model: h100 # only providers with this GPU model bid\n                  ram: 80Gi",
                        "- model: \"*\"")
                .replace("      count: 1", "      count: 2");
        GroupSpec any = Sdl.parse(two, "two.yaml").document().groups().get(0);
        assertThat(any.resources().get(0).count()).isEqualTo(2);
        // Node 0 has one A100 and one H100; node 1 has two H100s. A100 first (as Akash would) cannot place two
        // replicas; H100 can.
        Inventory inv = new Inventory(
                List.of(gpuNode("mixed", List.of(A100, H100)), gpuNode("h100s", List.of(H100, H100))), Map.of());
        BidEngine.Profile anyGpu = new BidEngine.Profile(
                List.of(
                        new Attribute("region", "us-west"),
                        new Attribute("capabilities/storage/1/class", "ram"),
                        new Attribute("capabilities/storage/1/persistent", "false"),
                        new Attribute("capabilities/gpu/vendor/nvidia/model/a100", "true"),
                        new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true")),
                List.of());
        BidEngine.Decision d = new BidEngine(inv, PRICES).evaluate("o/1", any, anyGpu);
        assertThat(d).as(d.toString()).isInstanceOf(BidEngine.Bid.class);
        Inventory.Reservation r = ((BidEngine.Bid) d).reservation();
        assertThat(r.replicas())
                .extracting(p -> p.gpus().get(0).model())
                .containsOnly(r.gpuModels().get(1).model());
    }

    /** Random orders reserved and released in random order never take more than there is, nor lose any. */
    @Test
    void randomReservationsNeverOvercommit() throws Exception {
        long seed = Seeds.seed("BidEngineTest.randomReservationsNeverOvercommit");
        SplittableRandom random = new SplittableRandom(seed);
        List<Inventory.NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<GpuDevice> gpus = new ArrayList<>();
            for (int g = random.nextInt(5); g > 0; g--) {
                gpus.add(random.nextBoolean() ? H100 : A100);
            }
            nodes.add(new Inventory.NodeSpec(
                    "n" + i,
                    1_000L * random.nextInt(8, 65),
                    GI * random.nextInt(16, 257),
                    GI * random.nextInt(100, 1001),
                    gpus,
                    Set.of()));
        }
        Inventory inv = new Inventory(nodes, Map.of());
        Inventory.Status full = inv.status();
        String base = Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml"))
                .replace(
                        "- model: h100 # only providers with this GPU model bid\n                  ram: 80Gi",
                        "- model: \"*\"");
        List<String> held = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            if (!held.isEmpty() && random.nextInt(3) == 0) {
                assertThat(inv.release(held.remove(random.nextInt(held.size()))))
                        .isTrue();
            } else {
                String sdl = base.replace("gpu:\n          units: 1", "gpu:\n          units: " + random.nextInt(1, 3))
                        .replace("units: 8", "units: " + random.nextInt(1, 17))
                        .replace("size: 64Gi", "size: " + random.nextInt(1, 129) + "Gi")
                        .replace("      count: 1", "      count: " + random.nextInt(1, 4));
                GroupSpec g = Sdl.parse(sdl, "random.yaml").document().groups().get(0);
                String order = "o/" + step;
                if (inv.reserve(order, g) instanceof Inventory.Reserved) {
                    held.add(order);
                }
            }
            Inventory.Status s = inv.status();
            assertThat(s.cpuFreeMillis())
                    .as(Seeds.replay("randomReservationsNeverOvercommit", seed))
                    .isBetween(0L, full.cpuMillis());
            assertThat(s.memoryFreeBytes()).isBetween(0L, full.memoryBytes());
            assertThat(s.ephemeralFreeBytes()).isBetween(0L, full.ephemeralBytes());
            assertThat(s.reservations()).isEqualTo(held.size());
        }
        for (String o : held) {
            inv.release(o);
        }
        assertThat(inv.status()).isEqualTo(full);
    }
}

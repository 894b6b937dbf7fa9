package dev.vyoma.benchmarks;

import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Order evaluations per second of the provider's bid engine ({@link BidEngine#evaluate}: placement and
 * capability matching, the first-fit reservation, the price) against an inventory of {@code nodes} nodes:
 * one in ten a GPU node with 8 H100s (the last ones, so GPU orders scan past the CPU nodes), the rest CPU nodes
 * of 32–64 cores. The inventory is {@code fill} percent taken by earlier reservations. Orders cycle through a
 * web service (1 replica), a 3-replica API, and a 1× H100 LLM; each evaluation's reservation is released again
 * so the inventory stays as set up.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Thread)
public class BidEngineBenchmark {
    private static final long GI = 1L << 30;

    @Param({"1000"})
    int nodes;

    @Param({"50"})
    int fill;

    private BidEngine engine;
    private BidEngine.Profile profile;
    private GroupSpec[] orders;
    private int next;

    private static GroupSpec group(String sdl) {
        return Sdl.parse(sdl, "bench.yaml").document().groups().get(0);
    }

    private static String sdl(String cpu, String memory, int count, String gpu) {
        return """
                version: "2.0"
                services:
                  app:
                    image: nginx:1.27
                    expose:
                      - port: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    app:
                      resources:
                        cpu: {units: CPU}
                        memory: {size: MEM}
                        storage: {size: 10Gi}
                GPU
                  placement:
                    dc:
                      attributes: {region: us-west}
                      pricing:
                        app: {denom: uusd, amount: 1000000}
                deployment:
                  app:
                    dc: {profile: app, count: COUNT}
                """.replace("CPU", cpu)
                .replace("MEM", memory)
                .replace("COUNT", Integer.toString(count))
                .replace("GPU\n", gpu);
    }

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        GpuDevice h100 = new GpuDevice("nvidia", "h100", 80 * GI, "sxm");
        List<Inventory.NodeSpec> specs = new ArrayList<>();
        int gpuNodes = Math.max(1, nodes / 10);
        for (int i = 0; i < nodes - gpuNodes; i++) {
            specs.add(new Inventory.NodeSpec(
                    "cpu-" + i, 1_000L * random.nextInt(32, 65), 256 * GI, 2_000 * GI, List.of(), Set.of()));
        }
        for (int i = 0; i < gpuNodes; i++) {
            specs.add(new Inventory.NodeSpec(
                    "gpu-" + i, 128_000, 1_024 * GI, 4_000 * GI, java.util.Collections.nCopies(8, h100), Set.of()));
        }
        Inventory inventory = new Inventory(specs, Map.of());
        PriceList prices = new PriceList(
                "uusd",
                new BigDecimal("10"),
                new BigDecimal("5"),
                Map.of("ephemeral", new BigDecimal("0.5")),
                Map.of("h100", new BigDecimal("20000")),
                BigDecimal.ONE);
        engine = new BidEngine(inventory, prices);
        profile = new BidEngine.Profile(
                List.of(
                        new Attribute("region", "us-west"),
                        new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true"),
                        new Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi", "true")),
                List.of());
        String h100Request =
                "        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n                  ram: 80Gi\n";
        orders = new GroupSpec[] {
            group(sdl("0.5", "512Mi", 1, "")), group(sdl("2", "4Gi", 3, "")), group(sdl("8", "64Gi", 1, h100Request))
        };
        // Take fill% of the capacity with earlier orders, spread by first fit.
        GroupSpec filler = group(sdl("4", "32Gi", 1, ""));
        GroupSpec gpuFiller = group(sdl("8", "64Gi", 1, h100Request));
        long cpuTotal = inventory.status().cpuMillis();
        int gpuTarget = gpuNodes * 8 * fill / 100;
        int held = 0;
        for (int g = 0; g < gpuTarget; g++) {
            inventory.reserve("filler/" + held++, gpuFiller);
        }
        while (inventory.status().cpuFreeMillis() > cpuTotal * (100 - fill) / 100) {
            if (!(inventory.reserve("filler/" + held++, filler) instanceof Inventory.Reserved)) {
                break;
            }
        }
        for (GroupSpec o : orders) {
            if (!(engine.evaluate("check", o, profile) instanceof BidEngine.Bid)) {
                throw new IllegalStateException(
                        "the benchmark's orders must be biddable: " + engine.evaluate("check", o, profile));
            }
            engine.inventory().release("check");
        }
    }

    @Benchmark
    public Object evaluate() {
        GroupSpec order = orders[next];
        next = next == orders.length - 1 ? 0 : next + 1;
        BidEngine.Decision d = engine.evaluate("bench", order, profile);
        engine.inventory().release("bench");
        return d;
    }
}

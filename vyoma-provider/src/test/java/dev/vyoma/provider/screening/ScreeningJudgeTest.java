package dev.vyoma.provider.screening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Matching;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.Offer;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.testkit.Fixtures;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each requirement that keeps a provider from bidding, as the screening reports it: the first one the order does
 * not meet, judged by the provider's own bid engine on the offer it publishes.
 */
class ScreeningJudgeTest {
    private static final long GI = 1L << 30;
    private static final Address PROVIDER = KeyPair.fromSeed(
                    Arrays.copyOf("screening-judge".getBytes(StandardCharsets.UTF_8), 32))
            .address();
    private static final String AUDITOR = KeyPair.fromSeed(
                    Arrays.copyOf("screening-auditor".getBytes(StandardCharsets.UTF_8), 32))
            .address()
            .toString();
    private static final GpuDevice H100 = new GpuDevice("nvidia", "h100", 80 * GI, "sxm");

    private static final PriceList PRICES = new PriceList(
            "uusd",
            new BigDecimal("20"),
            new BigDecimal("8"),
            Map.of("ephemeral", new BigDecimal("0.5"), "ram", new BigDecimal("8")),
            Map.of("h100", new BigDecimal("40000")),
            BigDecimal.ONE);

    private static final List<Attribute> GPU_ATTRIBUTES = List.of(
            new Attribute("region", "us-west"),
            new Attribute("capabilities/storage/1/class", "ram"),
            new Attribute("capabilities/storage/1/persistent", "false"),
            new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true"),
            new Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi", "true"),
            new Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi/interface/sxm", "true"));

    private static final List<Attribute> CPU_ATTRIBUTES = List.of(
            new Attribute("region", "us-west"),
            new Attribute("capabilities/storage/1/class", "ram"),
            new Attribute("capabilities/storage/1/persistent", "false"));

    private static Offer gpuOffer(int gpus, PriceList prices) {
        List<GpuDevice> devices = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            devices.add(H100);
        }
        return new Offer(
                List.of(new Inventory.NodeSpec("gpu-0", 128_000, 1024 * GI, 8192 * GI, devices, Set.of())),
                Map.of(),
                prices);
    }

    private static Offer cpuOffer() {
        return new Offer(
                List.of(new Inventory.NodeSpec("cpu-0", 32_000, 128 * GI, 2048 * GI, List.of(), Set.of())),
                Map.of(),
                PRICES);
    }

    private static String example(String file) throws Exception {
        return Files.readString(Fixtures.repositoryRoot().resolve("examples/" + file));
    }

    private static List<GroupSpec> groups(String sdl) {
        return Sdl.parse(sdl, "test.yaml").document().groups();
    }

    private static Verdict one(List<GroupSpec> groups, List<Attribute> attributes, Offer offer) {
        return one(groups, new BidEngine.Profile(attributes, List.of()), offer);
    }

    private static Verdict one(List<GroupSpec> groups, BidEngine.Profile profile, Offer offer) {
        List<Verdict> v = Screening.judge(groups, PROVIDER, profile, offer);
        assertThat(v).hasSize(groups.size());
        return v.get(0);
    }

    private static BidEngine.Skip skip(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Excluded.class);
        return ((Verdict.Excluded) v).skip();
    }

    @Test
    void aProviderThatFitsBidsItsOwnPrice() throws Exception {
        Verdict v = one(groups(example("gpu-llm.yaml")), GPU_ATTRIBUTES, gpuOffer(8, PRICES));
        // 8 CPU × 20 + 64 GiB × 8 + 50 GiB × 0.5 + 10 GiB ram × 8 + 1 H100 × 40,000 + 1 endpoint.
        assertThat(((Verdict.Bids) v).price().amount()).isEqualByComparingTo("40778");
        assertThat(v.group()).isEqualTo("gpu");
        assertThat(v.provider()).isEqualTo(PROVIDER);
    }

    @Test
    void theA100ExampleIsAGpuModelNotOfferedOnTheH100ProviderAndNoGpuOnTheCpuProvider() throws Exception {
        List<GroupSpec> a100 = groups(example("gpu-a100.yaml"));
        BidEngine.Skip gpu = skip(one(a100, GPU_ATTRIBUTES, gpuOffer(8, PRICES)));
        assertThat(gpu.by()).isEqualTo(BidEngine.Excluded.GPU_MODEL);
        assertThat(gpu.by().label()).isEqualTo("GPU model not offered");
        assertThat(gpu.reason())
                .isEqualTo("the provider offers none of the GPUs [vendor/nvidia/model/a100/ram/80Gi];"
                        + " it offers h100 80Gi sxm");
        BidEngine.Skip cpu = skip(one(a100, CPU_ATTRIBUTES, cpuOffer()));
        assertThat(cpu.by()).isEqualTo(BidEngine.Excluded.NO_GPU);
        assertThat(cpu.by().label()).isEqualTo("no GPU");
        assertThat(cpu.reason()).endsWith("[vendor/nvidia/model/a100/ram/80Gi]; it offers no GPU");
        assertThat(cpu.asked()).isNull();
    }

    @Test
    void aPlacementAttributeTheProviderLacks() throws Exception {
        List<GroupSpec> eu = groups(example("gpu-llm.yaml").replace("region: us-west", "region: eu-central"));
        BidEngine.Skip s = skip(one(eu, GPU_ATTRIBUTES, gpuOffer(8, PRICES)));
        assertThat(s.by()).isEqualTo(BidEngine.Excluded.ATTRIBUTE);
        assertThat(s.reason()).contains("region=eu-central");
    }

    @Test
    void anAuditorWhoHasNotSigned() throws Exception {
        List<GroupSpec> signed = groups(example("web.yaml")
                .replace(
                        "    dcloud:\n      pricing:",
                        "    dcloud:\n      attributes:\n        region: us-west\n      signedBy:\n        anyOf:\n"
                                + "          - " + AUDITOR + "\n      pricing:"));
        BidEngine.Skip unsigned = skip(one(signed, CPU_ATTRIBUTES, cpuOffer()));
        assertThat(unsigned.by()).isEqualTo(BidEngine.Excluded.SIGNED_BY);
        assertThat(unsigned.by().label()).isEqualTo("signedBy auditor");
        assertThat(unsigned.reason()).contains(AUDITOR);
        // Once the auditor signed the attribute, the same provider would bid.
        BidEngine.Profile audited = new BidEngine.Profile(
                CPU_ATTRIBUTES, List.of(new Matching.Audited(AUDITOR, List.of(new Attribute("region", "us-west")))));
        assertThat(one(signed, audited, cpuOffer())).isInstanceOf(Verdict.Bids.class);
    }

    @Test
    void aStorageClassTheProviderDoesNotDeclare() throws Exception {
        List<GroupSpec> persistent = groups(example("web.yaml")
                .replace(
                        "        storage:\n          size: 1Gi # ephemeral: lost when the container restarts",
                        "        storage:\n          - size: 1Gi\n          - name: data\n            size: 10Gi\n"
                                + "            attributes:\n              persistent: true\n"
                                + "              class: beta3")
                .replace(
                        "          - global: true # reachable from the internet\n",
                        "          - global: true # reachable from the internet\n    params:\n      storage:\n"
                                + "        data:\n          mount: /data\n"));
        BidEngine.Skip s = skip(one(persistent, CPU_ATTRIBUTES, cpuOffer()));
        assertThat(s.by()).isEqualTo(BidEngine.Excluded.STORAGE_CLASS);
        assertThat(s.reason()).contains("beta3");
    }

    @Test
    void anOrderInAnotherDenom() throws Exception {
        List<GroupSpec> uvyo = groups(example("web.yaml").replace("denom: uusd", "denom: uvyo"));
        BidEngine.Skip s = skip(one(uvyo, CPU_ATTRIBUTES, cpuOffer()));
        assertThat(s.by()).isEqualTo(BidEngine.Excluded.DENOM);
        assertThat(s.reason()).isEqualTo("the order pays in uvyo; this provider prices in uusd");
    }

    @Test
    void capacityIsWhatIsFreeNowAndOneGroupTakesItFromTheNext() throws Exception {
        // Every GPU leased or promised: the H100 order does not fit.
        BidEngine.Skip none = skip(one(groups(example("gpu-llm.yaml")), GPU_ATTRIBUTES, gpuOffer(0, PRICES)));
        assertThat(none.by()).isEqualTo(BidEngine.Excluded.CAPACITY);
        assertThat(none.reason()).startsWith("insufficient capacity: 1 replica of resource unit 1 do not fit");
        // Two groups of the web example on a node with room for one: the first bids, the second does not fit.
        String twoGroups = example("web.yaml")
                .replace("units: 0.5 # half a CPU", "units: 20")
                .replace(
                        "  placement:\n    dcloud:\n      pricing:\n        web:\n          denom: uusd\n"
                                + "          amount: 1000\n",
                        "  placement:\n    dcloud:\n      pricing:\n        web:\n          denom: uusd\n"
                                + "          amount: 1000\n    other:\n      pricing:\n        web:\n"
                                + "          denom: uusd\n          amount: 1000\n")
                .replace(
                        "  web:\n    dcloud:\n",
                        "  web:\n    other:\n      profile: web\n      count: 1\n    dcloud:\n");
        List<GroupSpec> both = groups(twoGroups);
        assertThat(both).hasSize(2);
        List<Verdict> v = Screening.judge(both, PROVIDER, new BidEngine.Profile(CPU_ATTRIBUTES, List.of()), cpuOffer());
        assertThat(v.get(0)).isInstanceOf(Verdict.Bids.class);
        assertThat(skip(v.get(1)).by()).isEqualTo(BidEngine.Excluded.CAPACITY);
    }

    @Test
    void aGpuModelWithoutAPrice() throws Exception {
        PriceList unpriced = new PriceList(
                "uusd",
                BigDecimal.ONE,
                BigDecimal.ONE,
                Map.of("ephemeral", BigDecimal.ONE, "ram", BigDecimal.ONE),
                Map.of(),
                BigDecimal.ZERO);
        BidEngine.Skip s = skip(one(groups(example("gpu-llm.yaml")), GPU_ATTRIBUTES, gpuOffer(8, unpriced)));
        assertThat(s.by()).isEqualTo(BidEngine.Excluded.NOT_PRICED);
        assertThat(s.reason()).isEqualTo("no price for GPU model h100");
    }

    @Test
    void aPriceAboveTheCeilingSaysBothPrices() throws Exception {
        List<GroupSpec> cheap = groups(example("web.yaml").replace("amount: 1000", "amount: 1"));
        Verdict v = one(cheap, CPU_ATTRIBUTES, cpuOffer());
        BidEngine.Skip s = skip(v);
        assertThat(s.by()).isEqualTo(BidEngine.Excluded.PRICE_CEILING);
        assertThat(s.by().label()).isEqualTo("price above the ceiling");
        // 0.5 CPU × 20 + 0.5 GiB × 8 + 1 GiB × 0.5 + 1 endpoint.
        assertThat(s.asked().amount()).isEqualByComparingTo("15.5");
        assertThat(((Verdict.Excluded) v).ceiling().amount()).isEqualByComparingTo("1");
        assertThat(s.reason()).isEqualTo("the price 15.5uusd is above the order's maximum 1uusd");
    }
}

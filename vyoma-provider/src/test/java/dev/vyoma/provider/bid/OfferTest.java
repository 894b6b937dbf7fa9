package dev.vyoma.provider.bid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.testkit.Fixtures;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The offer a provider publishes: what is free now and its prices, read back exactly, and refused when hostile. */
class OfferTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long GI = 1L << 30;
    private static final GpuDevice H100 = new GpuDevice("nvidia", "h100", 80 * GI, "sxm");
    private static final GpuDevice A100 = new GpuDevice("nvidia", "a100", 40 * GI, "pcie");
    private static final PriceList PRICES = new PriceList(
            "uusd",
            new BigDecimal("10"),
            new BigDecimal("5.25"),
            Map.of("ephemeral", new BigDecimal("0.5"), "ram", new BigDecimal("5"), "beta3", new BigDecimal("1")),
            Map.of("h100", new BigDecimal("20000"), "*", new BigDecimal("0.000000000000000001")),
            BigDecimal.ONE);

    private static Inventory inventory() {
        return new Inventory(
                List.of(
                        new Inventory.NodeSpec(
                                "secret-host-1",
                                64_000,
                                512 * GI,
                                2048 * GI,
                                List.of(H100, H100, A100, H100, H100),
                                Set.of("beta3")),
                        new Inventory.NodeSpec("secret-host-2", 8_000, 32 * GI, 100 * GI, List.of(), Set.of())),
                Map.of("beta3", 1000 * GI));
    }

    private static JsonNode published(Offer o) {
        return JSON.readTree(JsonWriter.compact(o.toJson()));
    }

    private static GroupSpec llm() throws Exception {
        return Sdl.parse(Files.readString(Fixtures.repositoryRoot().resolve("examples/gpu-llm.yaml")), "llm.yaml")
                .document()
                .groups()
                .get(0);
    }

    @Test
    void whatIsPublishedReadsBackAsTheSameOfferAndNamesNoNode() {
        Offer o = Offer.of(inventory(), PRICES);
        JsonNode json = published(o);
        assertThat(json.toString()).doesNotContain("secret-host");
        Offer back = Offer.parse(json);
        assertThat(back.nodes()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Inventory.NodeSpec a = o.nodes().get(i);
            Inventory.NodeSpec b = back.nodes().get(i);
            assertThat(b.cpuMillis()).isEqualTo(a.cpuMillis());
            assertThat(b.memoryBytes()).isEqualTo(a.memoryBytes());
            assertThat(b.ephemeralBytes()).isEqualTo(a.ephemeralBytes());
            // GPUs in node order, a different kind between two runs of H100s included.
            assertThat(b.gpus()).isEqualTo(a.gpus());
            assertThat(b.persistentClasses()).isEqualTo(a.persistentClasses());
        }
        assertThat(back.persistentFree()).isEqualTo(Map.of("beta3", 1000 * GI));
        assertThat(back.prices().denom()).isEqualTo("uusd");
        assertThat(back.prices().perGiBMemory()).isEqualByComparingTo("5.25");
        assertThat(back.prices().perGpu().get("*")).isEqualByComparingTo("0.000000000000000001");
        assertThat(back.prices().perGiBStorage().get("beta3")).isEqualByComparingTo("1");
        assertThat(back.gpuKinds()).containsExactly("h100 80Gi sxm", "a100 40Gi pcie");
    }

    @Test
    void theOfferIsWhatIsFreeNowAndItsEngineBidsAsTheProvidersWould() throws Exception {
        Inventory inv = inventory();
        BidEngine provider = new BidEngine(inv, PRICES);
        // Three of the four H100s promised in bids: the A100 and one H100 are left on the offer.
        for (int i = 0; i < 3; i++) {
            assertThat(provider.evaluate("o/" + i, llm(), profile())).isInstanceOf(BidEngine.Bid.class);
        }
        Offer o = Offer.parse(published(Offer.of(inv, PRICES)));
        assertThat(o.nodes().get(0).gpus()).containsExactly(A100, H100);
        assertThat(o.nodes().get(0).cpuMillis()).isEqualTo(64_000 - 3 * 8_000);
        BidEngine screening = o.engine();
        BidEngine.Decision fourth = screening.evaluate("x/1", llm(), profile());
        BidEngine.Decision real = provider.evaluate("o/3", llm(), profile());
        assertThat(((BidEngine.Bid) fourth).price()).isEqualTo(((BidEngine.Bid) real).price());
        assertThat(((BidEngine.Skip) screening.evaluate("x/2", llm(), profile())).by())
                .isEqualTo(BidEngine.Excluded.CAPACITY);
        assertThat(((BidEngine.Skip) provider.evaluate("o/4", llm(), profile())).by())
                .isEqualTo(BidEngine.Excluded.CAPACITY);
        // Screening held nothing of the provider's.
        assertThat(inv.status().reservations()).isEqualTo(4);
    }

    private static BidEngine.Profile profile() {
        return new BidEngine.Profile(
                List.of(
                        new dev.vyoma.sdl.spec.Attribute("region", "us-west"),
                        new dev.vyoma.sdl.spec.Attribute("capabilities/storage/1/class", "ram"),
                        new dev.vyoma.sdl.spec.Attribute("capabilities/storage/1/persistent", "false"),
                        new dev.vyoma.sdl.spec.Attribute("capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi", "true")),
                List.of());
    }

    /** The published offer with one field replaced by {@code value} (JSON text). */
    private static JsonNode with(String path, String value) {
        ObjectNode o = (ObjectNode) published(Offer.of(inventory(), PRICES));
        String[] parts = path.split("\\.");
        JsonNode parent = o;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parts[i].matches("\\d+") ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        ((ObjectNode) parent).set(parts[parts.length - 1], JSON.readTree(value));
        return o;
    }

    @Test
    void hostileOffersAreRefusedWithTheFieldNamedAndNoneOfTheirContent() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("nodes.0.cpu", "-1");
        cases.put("nodes.0.memory", "1.5");
        cases.put("nodes.0.ephemeral", "\"1Ti\"");
        cases.put("nodes.1.cpu", "99999999999999999999999");
        cases.put("nodes.0.gpus", "{}");
        cases.put("nodes.0.persistent", "[\"BETA3\"]");
        cases.put("pricing.denom", "\"\\u001b[31mred\"");
        cases.put("pricing.cpu", "10");
        cases.put("pricing.memoryGi", "\"1e9\"");
        cases.put("pricing.endpoint", "\"-1\"");
        cases.put("pricing.gpu", "{\"h100\": \"0.0000000000000000001\"}");
        cases.put("pricing.storageGi", "[]");
        cases.put("persistent", "{\"beta3\": -5}");
        cases.put("nodes", "[]");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> Offer.parse(with(c.getKey(), c.getValue())))
                    .as(c.getKey() + " = " + c.getValue())
                    .isInstanceOf(IllegalArgumentException.class)
                    .message()
                    .startsWith("offer.")
                    .doesNotContain("red", "\u001b");
        }
        assertThatThrownBy(() -> Offer.parse(null)).hasMessageContaining("no offer");
        assertThatThrownBy(() -> Offer.parse(JSON.readTree("[1]"))).hasMessageContaining("no offer");
    }

    @Test
    void everyBoundHoldsAtItsLimitAndIsRefusedOnePast() {
        String gpu = "{\"vendor\":\"nvidia\",\"model\":\"h100\",\"vramBytes\":1,\"interface\":\"sxm\",\"count\":";
        assertThat(Offer.parse(with("nodes.0.gpus", "[" + gpu + Offer.MAX_GPUS_PER_NODE + "}]"))
                        .nodes()
                        .get(0)
                        .gpus())
                .hasSize(Offer.MAX_GPUS_PER_NODE);
        assertThatThrownBy(() -> Offer.parse(with("nodes.0.gpus", "[" + gpu + (Offer.MAX_GPUS_PER_NODE + 1) + "}]")))
                .hasMessageContaining("offer.nodes[0].gpus[0].count");
        // A count of billions would be a list of billions: refused before anything is made of it.
        assertThatThrownBy(() -> Offer.parse(with("nodes.0.gpus", "[" + gpu + "4000000000}]")))
                .hasMessageContaining("count");
        String node = "{\"cpu\":1,\"memory\":1,\"ephemeral\":1,\"persistent\":[],\"gpus\":[]}";
        assertThat(Offer.parse(with("nodes", nodes(node, Offer.MAX_NODES))).nodes())
                .hasSize(Offer.MAX_NODES);
        assertThatThrownBy(() -> Offer.parse(with("nodes", nodes(node, Offer.MAX_NODES + 1))))
                .hasMessageContaining("1 to " + Offer.MAX_NODES);
        String name = "a".repeat(Offer.MAX_NAME_CHARS);
        assertThat(Offer.parse(with("pricing.gpu", "{\"" + name + "\":\"1\"}"))
                        .prices()
                        .perGpu())
                .containsKey(name);
        assertThatThrownBy(() -> Offer.parse(with("pricing.gpu", "{\"" + name + "a\":\"1\"}")))
                .hasMessageContaining("offer.pricing.gpu");
        String price = "1".repeat(Offer.MAX_PRICE_CHARS);
        assertThat(Offer.parse(with("pricing.cpu", "\"" + price + "\""))
                        .prices()
                        .perCpu())
                .isEqualByComparingTo(price);
        assertThatThrownBy(() -> Offer.parse(with("pricing.cpu", "\"" + price + "1\"")))
                .hasMessageContaining("offer.pricing.cpu");
    }

    private static String nodes(String node, int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(node);
        }
        return "[" + String.join(",", all) + "]";
    }
}

package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma deploy FILE --dry-run} against {@code vyoma devnet} in a process of its own: its two providers'
 * real gateways, judged by their own bid rules. The A100 example gets no bid, for a reason per provider (the GPU
 * provider offers H100s, the CPU provider no GPU); the web example with a ceiling below both prices gets "price
 * above the ceiling" with both prices; nothing is posted; and a real deploy that gets no bid prints the same table.
 */
class DevnetDryRunTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void theDryRunSaysWhyEachDevnetProviderWouldOrWouldNotBid() throws Exception {
        int base = DevnetProcess.freeBlock(6);
        Path home = dir.resolve("devnet");
        try (DevnetProcess devnet = DevnetProcess.start(home, base, "--runtime", "process")) {
            String[] common = {
                "--node",
                "http://127.0.0.1:" + base,
                "--keyring-backend",
                "test",
                "--home",
                home.resolve("keys").toString()
            };
            String gpu = devnet.addressOf("GPU provider");
            String cpu = devnet.addressOf("CPU provider");
            String a100 =
                    Fixtures.repositoryRoot().resolve("examples/gpu-a100.yaml").toString();

            // The table: one row per provider, each with the requirement that excluded it.
            DevnetProcess.Run table = DevnetProcess.cli(new String[] {"deploy", a100, "--dry-run"}, common);
            assertThat(table.code()).as(table.err()).isZero();
            assertThat(table.out())
                    .contains("GROUP", "PROVIDER", "BID", "PRICE", "CEILING", "EXCLUDED", "REASON")
                    .contains("GPU model not offered", "no GPU", "it offers h100 80Gi sxm");
            assertThat(table.out()
                            .lines()
                            .filter(l -> l.contains(gpu))
                            .findFirst()
                            .orElseThrow())
                    .contains(" no ", "GPU model not offered", "[vendor/nvidia/model/a100/ram/80Gi]");
            assertThat(table.out()
                            .lines()
                            .filter(l -> l.contains(cpu))
                            .findFirst()
                            .orElseThrow())
                    .contains(" no ", "no GPU", "; it offers no GPU");

            // The same as JSON, for scripts.
            Map<String, JsonNode> a100Rows =
                    rows(DevnetProcess.cli(new String[] {"deploy", a100, "--dry-run", "-o", "json"}, common));
            assertThat(a100Rows).containsOnlyKeys(gpu, cpu);
            assertThat(a100Rows.get(gpu).path("bid").asBoolean(true)).isFalse();
            assertThat(a100Rows.get(gpu).path("excluded").asString()).isEqualTo("GPU model not offered");
            assertThat(a100Rows.get(cpu).path("excluded").asString()).isEqualTo("no GPU");
            assertThat(a100Rows.get(cpu).path("ceiling").asString()).isEqualTo("60000uusd");

            // The web example: both bid, at the prices their bid engines would ask.
            Path web = Fixtures.webSdlFile();
            Map<String, JsonNode> webRows =
                    rows(DevnetProcess.cli(new String[] {"deploy", web.toString(), "--dry-run", "-o", "json"}, common));
            assertThat(webRows.get(cpu).path("bid").asBoolean(false)).isTrue();
            assertThat(webRows.get(cpu).path("price").asString()).isEqualTo("9uusd");
            assertThat(webRows.get(gpu).path("price").asString()).isEqualTo("15.5uusd");

            // A ceiling below the cheapest: both excluded by the ceiling, with both prices.
            Path cheap = dir.resolve("cheap.yaml");
            Files.writeString(cheap, Files.readString(web).replace("amount: 1000", "amount: 1"));
            DevnetProcess.Run ceiling =
                    DevnetProcess.cli(new String[] {"deploy", cheap.toString(), "--dry-run"}, common);
            assertThat(ceiling.code()).as(ceiling.err()).isZero();
            assertThat(ceiling.out()
                            .lines()
                            .filter(l -> l.contains(cpu))
                            .findFirst()
                            .orElseThrow())
                    .contains(
                            "price above the ceiling",
                            "9uusd",
                            "1uusd",
                            "the price 9uusd is above the order's maximum 1uusd");
            assertThat(ceiling.out()
                            .lines()
                            .filter(l -> l.contains(gpu))
                            .findFirst()
                            .orElseThrow())
                    .contains("price above the ceiling", "the price 15.5uusd is above the order's maximum 1uusd");
            Map<String, JsonNode> cheapRows = rows(
                    DevnetProcess.cli(new String[] {"deploy", cheap.toString(), "--dry-run", "-o", "yaml"}, common),
                    true);
            assertThat(cheapRows.get(gpu).path("price").asString()).isEqualTo("15.5uusd");
            assertThat(cheapRows.get(gpu).path("ceiling").asString()).isEqualTo("1uusd");

            // Nothing was posted.
            dev.vyoma.client.VyomaClient chain = new dev.vyoma.client.VyomaClient("http://127.0.0.1:" + base);
            String tenant = dev.vyoma.client.Keyring.open(home.resolve("keys"), dev.vyoma.client.Keyring.Backend.TEST)
                    .show("tenant")
                    .address()
                    .toString();
            assertThat(chain.getJson("/v1/deployments?owner=" + tenant)
                            .orElseThrow()
                            .path("items")
                            .size())
                    .isZero();

            // A deploy that gets no bid closes its deployment and prints the screening before its error.
            DevnetProcess.Run deployed =
                    DevnetProcess.cli(new String[] {"deploy", a100, "--from", "tenant", "--timeout", "4s"}, common);
            assertThat(deployed.code()).isEqualTo(1);
            assertThat(deployed.err())
                    .contains("no provider bid on group gpu within 4 s", "vyoma deploy FILE --dry-run says why")
                    .contains("what each provider would do with this deployment:")
                    .contains("GPU model not offered", "no GPU");
        }
    }

    /** The rows of a dry run's JSON, by provider. */
    private static Map<String, JsonNode> rows(DevnetProcess.Run r) throws Exception {
        return rows(r, false);
    }

    private static Map<String, JsonNode> rows(DevnetProcess.Run r, boolean yaml) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode tree = yaml
                ? JSON.valueToTree(
                        new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder()
                                        .build())
                                .loadFromString(r.out()))
                : JSON.readTree(r.out());
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode row : tree) {
            out.put(row.path("provider").asString(), row);
        }
        return out;
    }
}

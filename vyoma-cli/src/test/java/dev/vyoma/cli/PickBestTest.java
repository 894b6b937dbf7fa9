package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.ProviderDaemon;
import dev.vyoma.stats.capacity.CapacityPoller;
import dev.vyoma.stats.capacity.PollPolicy;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.dashboard.Dashboard;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.metrics.MetricsQuery;
import dev.vyoma.stats.metrics.PriceTable;
import dev.vyoma.stats.source.NodeSource;
import dev.vyoma.stats.store.StatsDb;
import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Providers' uptime from a real stats service, as a tenant uses it: two providers on a local chain, the cheaper one
 * down for three of the indexer's four status polls; {@code query provider list --stats} shows it, and {@code
 * deploy --pick best --stats} leases from the dearer provider that is always up.
 */
class PickBestTest {
    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("pick-best");

    private static final String CONFIG = """
            node: NODE
            key: provider
            keyringBackend: test
            host: auto
            bidDeposit: 500000uvyo
            withdrawEverySeconds: 60
            gateway: 127.0.0.1:0
            ingress: 127.0.0.1:0
            inventory:
              nodes:
                - {name: node-0, cpu: 4, memory: 8Gi, storage: 20Gi}
            pricing: {denom: uusd, cpu: CPU_PRICE, memoryGi: 5, storageGi: {ephemeral: 1}, endpoint: 1}
            """;

    /** A clock the test moves: the poller's polls are 15 minutes apart. */
    private static final class StepClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void step() {
            now = now.plus(Duration.ofMinutes(15));
        }
    }

    private ProviderDaemon provider(LocalChain chain, String name, String cpuPrice) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, CONFIG.replace("NODE", chain.url()).replace("CPU_PRICE", cpuPrice));
        return ProviderDaemon.start(ProviderConfig.read(file), KEYS.key(name), dir.resolve(name));
    }

    private static DevnetProcess.Run cli(String[] args, String... common) {
        return DevnetProcess.cli(args, common);
    }

    @Test
    void uptimeIsListedAndBestWeighsPriceByIt() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        KeyPair cheap = KEYS.key("cheap");
        KeyPair dear = KEYS.key("dear");
        try (LocalChain chain = LocalChain.start(
                        dir.resolve("node"),
                        LocalChain.fundedGenesis(
                                "vyoma-pick-best",
                                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                                tenant.address(),
                                cheap.address(),
                                dear.address()),
                        Duration.ofMillis(100));
                StatsDb db = StatsDb.open("duckdb::memory:")) {
            VyomaClient c = new VyomaClient(chain.url());
            ProviderDaemon cheapDaemon = provider(chain, "cheap", "10");
            ProviderDaemon dearDaemon = provider(chain, "dear", "20");
            try {
                Indexer indexer = new Indexer(db, new NodeSource(chain.url()));
                indexer.catchUp();
                StepClock clock = new StepClock();
                CapacityPoller poller = new CapacityPoller(
                        new SnapshotStore(db),
                        new ProviderGateway(c)::status,
                        clock,
                        CapacityPoller.DEFAULT_INTERVAL,
                        PollPolicy.allowingPrivate());
                // Both answer the first poll; the cheap one is down for the next three.
                assertThat(poller.poll()).isEqualTo(2);
                cheapDaemon.close();
                for (int i = 0; i < 3; i++) {
                    clock.step();
                    poller.poll();
                }
                // It comes back (and bids again) just before the tenant deploys.
                cheapDaemon = provider(chain, "cheap", "10");
                indexer.catchUp();
                MetricsQuery q = new MetricsQuery(db, new PriceTable(List.of()), MetricsQuery.DEFAULT_GRACE);
                try (Dashboard stats = Dashboard.start(q, indexer::height, "127.0.0.1", 0)) {
                    String statsUrl = "http://127.0.0.1:" + stats.port();
                    Path keys = dir.resolve("keys");
                    dev.vyoma.client.Keyring.open(keys, dev.vyoma.client.Keyring.Backend.TEST)
                            .importSeed("tenant", KEYS.seed("tenant"), new char[0]);
                    String[] common = {"--node", chain.url(), "--keyring-backend", "test", "--home", keys.toString()};

                    DevnetProcess.Run list =
                            cli(new String[] {"query", "provider", "list", "--stats", statsUrl, "-o", "json"}, common);
                    assertThat(list.code()).as(list.err()).isZero();
                    Map<String, JsonNode> byOwner = new HashMap<>();
                    new ObjectMapper()
                            .readTree(list.out())
                            .path("items")
                            .forEach(p -> byOwner.put(p.path("owner").asString(), p));
                    JsonNode cheapRow = byOwner.get(cheap.address().toString());
                    JsonNode dearRow = byOwner.get(dear.address().toString());
                    assertThat(cheapRow.path("uptime24h").asString()).isEqualTo("25.00%");
                    assertThat(cheapRow.path("uptime7d").asString()).isEqualTo("25.00%");
                    assertThat(cheapRow.path("uptime30d").asString()).isEqualTo("25.00%");
                    assertThat(dearRow.path("uptime7d").asString()).isEqualTo("100.00%");
                    DevnetProcess.Run table =
                            cli(new String[] {"query", "provider", "list", "--stats", statsUrl}, common);
                    assertThat(table.out()).contains("UPTIME24H", "25.00%", "100.00%");

                    // best without the stats service is refused before anything is posted.
                    Path web = Fixtures.webSdlFile();
                    int deploymentsBefore = deployments(c, tenant);
                    DevnetProcess.Run refused =
                            cli(new String[] {"deploy", web.toString(), "--from", "tenant", "--pick", "best"}, common);
                    assertThat(refused.code()).isEqualTo(Main.USER_ERROR);
                    assertThat(refused.err()).contains("--pick best weighs bids by the providers' uptime");
                    DevnetProcess.Run unreachable = cli(
                            new String[] {
                                "deploy",
                                web.toString(),
                                "--from",
                                "tenant",
                                "--pick",
                                "best",
                                "--stats",
                                "http://127.0.0.1:1"
                            },
                            common);
                    assertThat(unreachable.code()).isEqualTo(Main.USER_ERROR);
                    assertThat(unreachable.err()).contains("cannot reach the stats service at http://127.0.0.1:1");
                    assertThat(deployments(c, tenant)).isEqualTo(deploymentsBefore);

                    // Both bid; the cheap one's 9.5 weighs 9.5 / 0.25 = 38, the dear one's 14.5 stays 14.5.
                    DevnetProcess.Run best = cli(
                            new String[] {
                                "deploy",
                                web.toString(),
                                "--from",
                                "tenant",
                                "--pick",
                                "best",
                                "--stats",
                                statsUrl,
                                "--timeout",
                                "40s",
                                "-o",
                                "json"
                            },
                            common);
                    assertThat(best.code()).as(best.err()).isZero();
                    assertThat(best.err())
                            .contains("2 bids on group dcloud:")
                            .contains("picked " + dear.address()
                                    + " by uptime-weighted price: 14.5 ÷ 1 (uptime over 7 d 100.00%) = 14.5");
                    String lease = new ObjectMapper()
                            .readTree(best.out())
                            .get(0)
                            .path("lease")
                            .asString();
                    assertThat(lease).endsWith("/" + dear.address());
                }
            } finally {
                // Nothing a provider started may outlive the test.
                for (ProviderDaemon d : List.of(cheapDaemon, dearDaemon)) {
                    d.stopWorkloads();
                    d.close();
                }
            }
        }
    }

    private static int deployments(VyomaClient c, KeyPair tenant) {
        return c.getJson("/v1/deployments?owner=" + tenant.address() + "&limit=1000")
                .orElseThrow()
                .path("items")
                .size();
    }
}

package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code vyoma devnet} in a process of its own, and {@code vyoma deploy} against it: the URI answers. */
class DevnetTest {
    @TempDir
    Path dir;

    private static String rawGet(String hostAndPort) throws Exception {
        return DevnetProcess.rawGet(hostAndPort);
    }

    private static Run cli(String[] args, String... common) {
        DevnetProcess.Run r = DevnetProcess.cli(args, common);
        return new Run(r.code(), r.out(), r.err());
    }

    private record Run(int code, String out, String err) {}

    @Test
    void deployTheWebExampleOnADevnet() throws Exception {
        int base = DevnetProcess.freeBlock(6);
        Path home = dir.resolve("devnet");
        List<ProcessHandle> replicas = new java.util.ArrayList<>();
        // The process runtime: examples/web.yaml's nginx image is served by its built-in web server, no pull needed.
        try (DevnetProcess devnet = DevnetProcess.start(home, base, "--runtime", "process")) {
            assertThat(devnet.output())
                    .contains("GPU provider (8x H100 80Gi SXM)", "CPU provider", "vyoma deploy examples/web.yaml");
            String[] common = {
                "--node",
                "http://127.0.0.1:" + base,
                "--keyring-backend",
                "test",
                "--home",
                home.resolve("keys").toString()
            };
            Path web = Fixtures.webSdlFile();
            dev.vyoma.client.VyomaClient chain = new dev.vyoma.client.VyomaClient("http://127.0.0.1:" + base);
            dev.vyoma.ledger.crypto.Address tenant = dev.vyoma.client.Keyring.open(
                            home.resolve("keys"), dev.vyoma.client.Keyring.Backend.TEST)
                    .show("tenant")
                    .address();
            long tenantBefore = chain.account(tenant).orElseThrow().balance("uusd");
            java.util.Map<String, Long> providersBefore = new java.util.HashMap<>();
            for (var p : chain.getJson("/v1/providers?limit=100").orElseThrow().path("items")) {
                String owner = p.path("owner").asString();
                providersBefore.put(
                        owner,
                        chain.account(dev.vyoma.ledger.crypto.Address.parse(owner))
                                .orElseThrow()
                                .balance("uusd"));
            }
            Run deployed = cli(
                    new String[] {"deploy", web.toString(), "--from", "tenant", "--timeout", "40s", "-o", "json"},
                    common);
            assertThat(deployed.code()).as(deployed.err()).isZero();
            // The bids it waited for, as a table, the cheapest taken.
            assertThat(deployed.err()).contains("2 bids on group dcloud:", "PRICE/BLOCK", "9uusd  <- taken");
            JsonNode leases = new ObjectMapper().readTree(deployed.out());
            String uri = leases.get(0).path("uris").asString();
            assertThat(rawGet(uri)).startsWith("HTTP/1.1 200").contains("<h1>web</h1>");
            String lease = leases.get(0).path("lease").asString();
            String dseq = lease.split("/")[1];
            String provider = lease.substring(lease.lastIndexOf('/') + 1);

            // Its output, its provider's capacity, an update.
            Run logs = cli(new String[] {"deploy", "logs", dseq, "--from", "tenant", "--tail", "5"}, common);
            assertThat(logs.code()).as(logs.err()).isZero();
            assertThat(logs.out()).contains("[web-0] GET / 200");
            Run capacity = cli(new String[] {"provider", "status", provider}, common);
            assertThat(capacity.code()).as(capacity.err()).isZero();
            assertThat(capacity.out())
                    .contains("inventory declared, 1 active lease(s)")
                    .containsPattern("cpu \\(millicores\\)\\s+\\d+\\s+500\\s");
            Path updated = dir.resolve("web-v2.yaml");
            java.nio.file.Files.writeString(
                    updated,
                    java.nio.file.Files.readString(web)
                            .replace("image: nginx:1.27-alpine", "image: nginx:1.27-alpine\n    env: [TITLE=second]"));
            Run update = cli(new String[] {"deploy", "update", dseq, updated.toString(), "--from", "tenant"}, common);
            assertThat(update.code()).as(update.err()).isZero();
            assertThat(rawGet(uri)).contains("<h1>second</h1>");
            Run shell = cli(DevnetProcess.concat(
                    new String[] {"deploy", "shell", dseq, "--from", "tenant"},
                    common,
                    new String[] {"--", "sh", "-c", "exit 3"}));
            assertThat(shell.code()).isEqualTo(Main.USER_ERROR);
            assertThat(shell.err()).contains("answered 501", "shell is not supported by the process runtime");
            Run events = cli(new String[] {"deploy", "events", dseq, "--from", "tenant"}, common);
            assertThat(events.out()).contains("manifest updated; services replaced");

            Run closed = cli(new String[] {"deploy", "close", dseq, "--from", "tenant"}, common);
            assertThat(closed.code()).as(closed.err()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!rawGet(uri).startsWith("HTTP/1.1 404") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(rawGet(uri)).startsWith("HTTP/1.1 404");

            // Exactly price × blocks moved from the tenant to the provider, and the capacity is free again.
            JsonNode ended = chain.getJson("/v1/leases/" + lease).orElseThrow();
            long blocks =
                    ended.path("closedAt").asLong() - ended.path("createdAt").asLong();
            long paid = new java.math.BigDecimal(
                            ended.path("price").path("amount").asString())
                    .multiply(java.math.BigDecimal.valueOf(blocks))
                    .setScale(0, java.math.RoundingMode.DOWN)
                    .longValueExact();
            assertThat(blocks).isPositive();
            dev.vyoma.ledger.crypto.Address winner = dev.vyoma.ledger.crypto.Address.parse(provider);
            assertThat(chain.account(winner).orElseThrow().balance("uusd") - providersBefore.get(provider))
                    .as("provider earnings over %d blocks", blocks)
                    .isEqualTo(paid);
            assertThat(tenantBefore - chain.account(tenant).orElseThrow().balance("uusd"))
                    .isEqualTo(paid);
            Run free = cli(new String[] {"provider", "status", provider, "-o", "json"}, common);
            JsonNode freed = new ObjectMapper().readTree(free.out());
            assertThat(freed.path("cpu").path("allocated").asLong()).isZero();
            assertThat(freed.path("activeLeases").asInt()).isZero();

            // A second deployment, on the GPU provider, still running; then the chain indexed into DuckDB: the
            // report's lease counts and revenue are the ledger's own figures.
            String gpuProvider = devnet.output()
                    .lines()
                    .filter(l -> l.startsWith("GPU provider"))
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .findFirst()
                    .orElseThrow();
            Run second = cli(
                    new String[] {"deploy", web.toString(), "--from", "tenant", "--pick", gpuProvider, "-o", "json"},
                    common);
            assertThat(second.code()).as(second.err()).isZero();
            String running = new ObjectMapper()
                    .readTree(second.out())
                    .get(0)
                    .path("lease")
                    .asString();
            String db = "duckdb:" + dir.resolve("stats.duckdb");
            Run indexed = cli(
                    new String[] {"stats", "index", "--db", db, "--once", "--poll-private-providers"},
                    "--node",
                    "http://127.0.0.1:" + base);
            assertThat(indexed.code()).as(indexed.err()).isZero();
            long top = new ObjectMapper()
                    .readTree(cli(new String[] {"query", "status", "-o", "json"}, common)
                            .out())
                    .path("height")
                    .asLong();
            Run report =
                    cli(new String[] {"stats", "report", "--db", db, "--from", "h1", "--to", "h" + top, "-o", "json"});
            assertThat(report.code()).as(report.err()).isZero();
            JsonNode figures = new ObjectMapper().readTree(report.out());
            int upTo = figures.path("period").path("toHeight").asInt();
            JsonNode ledgerLeases = chain.getJson("/v1/leases?owner=" + tenant + "&limit=100")
                    .orElseThrow()
                    .path("items");
            assertThat(figures.path("metrics").path("newLeases").path("value").asInt())
                    .isEqualTo(ledgerLeases.size())
                    .isEqualTo(2);
            JsonNode open = chain.getJson("/v1/leases/" + running).orElseThrow();
            java.math.BigDecimal accrued = new java.math.BigDecimal(
                            open.path("price").path("amount").asString())
                    .multiply(java.math.BigDecimal.valueOf(
                            upTo - open.path("createdAt").asLong()));
            assertThat(new java.math.BigDecimal(
                            figures.path("revenueMicroByDenom").path("uusd").asString()))
                    .as("revenue up to height %d: the closed lease's payments plus the running one's accrual", upTo)
                    .isEqualByComparingTo(accrued.add(java.math.BigDecimal.valueOf(paid)));
            // Capacity, from the providers' status endpoints: both answered; the GPU provider's 8 H100s.
            assertThat(figures.path("series")
                            .get(figures.path("series").size() - 1)
                            .path("activeProviders")
                            .asInt())
                    .as(report.out())
                    .isEqualTo(2);
            assertThat(figures.path("gpusByModel")
                            .path("nvidia h100")
                            .path("capacity")
                            .asString())
                    .isNotEmpty();
            replicas.addAll(replicaProcesses(home));
            assertThat(replicas).isNotEmpty().allMatch(ProcessHandle::isAlive);
        }
        // The devnet stopped (SIGTERM): nothing it started runs on, not even the lease still active.
        for (ProcessHandle r : replicas) {
            r.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(replicas).noneMatch(ProcessHandle::isAlive);
    }

    /** The processes the devnet's providers recorded as their leases' replicas. */
    private static List<ProcessHandle> replicaProcesses(Path home) throws Exception {
        List<ProcessHandle> out = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(home)) {
            for (Path f : files.filter(p -> p.getParent() != null
                            && p.getParent().getFileName().toString().equals("replicas")
                            && p.toString().endsWith(".json"))
                    .toList()) {
                long pid = new ObjectMapper().readTree(f.toFile()).path("pid").asLong();
                ProcessHandle.of(pid).ifPresent(out::add);
            }
        }
        return out;
    }

    /** {@code --validators 3}: three validators replicate the chain; a deployment made through the third's API runs. */
    @Test
    void aDevnetOfThreeValidators() throws Exception {
        int base = DevnetProcess.freeBlock(10);
        Path home = dir.resolve("devnet3");
        try (DevnetProcess devnet = DevnetProcess.start(home, base, "--validators", "3", "--runtime", "process")) {
            assertThat(devnet.output()).contains("validator 0", "validator 1", "validator 2");
            String third = "http://127.0.0.1:" + (base + 8);
            String[] common = {
                "--node",
                third,
                "--keyring-backend",
                "test",
                "--home",
                home.resolve("keys").toString()
            };
            Run deployed = cli(
                    new String[] {
                        "deploy", Fixtures.webSdlFile().toString(), "--from", "tenant", "--timeout", "40s", "-o", "json"
                    },
                    common);
            assertThat(deployed.code()).as(deployed.err() + devnet.output()).isZero();
            JsonNode leased = new ObjectMapper().readTree(deployed.out()).get(0);
            String uri = leased.path("uris").asString();
            String owner = leased.path("lease").asString().split("/")[0];
            assertThat(rawGet(uri)).startsWith("HTTP/1.1 200");
            // Every validator has the deployment.
            for (int api : new int[] {base, base + 6, base + 8}) {
                Run q = cli(
                        new String[] {"query", "deployment", "list", "--owner", owner, "-o", "json"},
                        "--node",
                        "http://127.0.0.1:" + api,
                        "--keyring-backend",
                        "test",
                        "--home",
                        home.resolve("keys").toString());
                assertThat(q.out()).as("validator at %d: %s", api, q.err()).contains("\"dseq\"");
            }
        }
    }
}

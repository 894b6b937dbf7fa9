package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.Deployer;
import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.testkit.Fixtures;
import dev.vyoma.testkit.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** kill -9 the provider while a lease runs: started again, it re-adopts the workload, with no second process. */
class ProviderCrashTest {
    @TempDir
    Path dir;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("crash");

    private static Process startProvider(Path home, Path config) throws Exception {
        return JavaProcess.start(
                        "the provider",
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"),
                        ProviderMain.class.getName(),
                        List.of("--home", home.toString(), "--config", config.toString()),
                        line -> line.startsWith("vyoma provider ") && line.contains(" ready:"),
                        Duration.ofSeconds(60))
                .process;
    }

    /** A process's command line from /proc (ProcessHandle.Info leaves it out for some processes). */
    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A process's environment from /proc, NUL-separated entries joined by spaces. */
    private static String environment(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.ISO_8859_1)
                    .replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String rawGet(int port, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aKilledProviderReadoptsItsWorkload() throws Exception {
        KeyPair tenant = KEYS.key("tenant");
        Path providerHome = dir.resolve("provider");
        KeyPair provider;
        Keyring ring = Keyring.open(providerHome, Keyring.Backend.TEST);
        ring.importSeed("provider", Arrays.copyOf("crash:provider-seed".getBytes(StandardCharsets.UTF_8), 32), null);
        provider = ring.unlock("provider", null);
        Genesis genesis = LocalChain.fundedGenesis(
                "vyoma-crash-test",
                List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                tenant.address(),
                provider.address());
        int ingressPort = LocalPorts.free();
        try (LocalChain local = LocalChain.start(dir.resolve("node"), genesis, Duration.ofMillis(100))) {
            String url = local.url();
            Path config = dir.resolve("provider.yaml");
            Files.writeString(config, """
                    node: NODE
                    key: provider
                    keyringBackend: test
                    host: auto
                    withdrawEverySeconds: 1
                    gateway: 127.0.0.1:0
                    ingress: 127.0.0.1:INGRESS
                    inventory:
                      nodes:
                        - {name: n0, cpu: 8, memory: 32Gi, storage: 200Gi}
                    pricing: {denom: uusd, cpu: 10, memoryGi: 5, storageGi: {ephemeral: 1, ram: 5}, endpoint: 1}
                    """.replace("NODE", url).replace("INGRESS", Integer.toString(ingressPort)));
            Process first = startProvider(providerHome, config);
            VyomaClient c = new VyomaClient(url);
            Deployer.Result r;
            try {
                SdlDocument web = Sdl.parse(Fixtures.webSdl(), "web.yaml").document();
                r = new Deployer(c)
                        .deploy(
                                tenant,
                                web,
                                new Deployer.Options(
                                        new Coin("uusd", 5_000_000),
                                        "cheapest",
                                        Duration.ofSeconds(30),
                                        Duration.ofSeconds(30)),
                                line -> {});
            } catch (RuntimeException e) {
                first.destroyForcibly();
                throw e;
            }
            String host = r.leases().get(0).uris().get(0);
            assertThat(rawGet(ingressPort, host)).startsWith("HTTP/1.1 200");
            Path records = providerHome.resolve("state").resolve("leases");
            long webPid;
            try (var files = Files.walk(records)) {
                Path rec = files.filter(p -> p.toString().endsWith("-0.json"))
                        .findFirst()
                        .orElseThrow();
                webPid = tools.jackson.databind.json.JsonMapper.builder()
                        .build()
                        .readTree(Files.readString(rec))
                        .path("pid")
                        .asLong();
            }

            first.destroyForcibly().waitFor();
            // The workload runs on while its provider is down.
            assertThat(ProcessHandle.of(webPid).map(ProcessHandle::isAlive)).contains(true);

            Process second = startProvider(providerHome, config);
            try {
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> rawGet(ingressPort, host).startsWith("HTTP/1.1 200"));
                // The same process, and no other for this lease (other tests on the machine may run web servers).
                String leaseId = r.leases().get(0).lease();
                long servers = ProcessHandle.allProcesses()
                        .filter(h -> commandLine(h.pid()).contains("StaticWebServer"))
                        .filter(h -> environment(h.pid()).contains("VYOMA_LEASE=" + leaseId))
                        .count();
                assertThat(servers).isEqualTo(1);
                assertThat(ProcessHandle.of(webPid).map(ProcessHandle::isAlive)).contains(true);
                // The restarted provider knows what it promised: the lease's capacity is allocated, not offered
                // again, and its earnings are still withdrawn.
                JsonNode capacity = new dev.vyoma.client.ProviderGateway(c).status(provider.address());
                assertThat(capacity.path("activeLeases").asInt()).isEqualTo(1);
                assertThat(capacity.path("cpu").path("allocated").asLong()).isEqualTo(500);
                assertThat(capacity.path("cpu").path("available").asLong()).isEqualTo(7_500);
                assertThat(capacity.path("inventory").asString()).isEqualTo("declared");
                long earned = c.account(provider.address()).orElseThrow().balance("uusd");
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> c.account(provider.address()).orElseThrow().balance("uusd") > earned);

                c.broadcast(c.sign(tenant, List.of(new Msg.CloseDeployment(r.deployment())), ""), true);
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() ->
                                ProcessHandle.of(webPid).map(h -> !h.isAlive()).orElse(true));
            } finally {
                second.destroy();
                second.waitFor(20, TimeUnit.SECONDS);
                ProcessHandle.of(webPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}

package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.testkit.ContainerImages;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code vyoma devnet} on a host with Podman and no engine running: the devnet starts Podman's API service itself,
 * its providers run leases in containers, and {@code vyoma deploy} of a web SDL whose image was built locally
 * answers through the ingress from inside a container; closing pays exactly price × blocks; stopping the devnet
 * leaves no container and no Podman service behind.
 */
class DevnetContainerTest {
    /** The tenant's web image: busybox's httpd serving a page that names the host it runs on. */
    static final String WEB_IMAGE = "localhost/vyoma-test/web:1";

    @TempDir
    Path dir;

    /** A web SDL as a tenant writes it, with {@code image}. */
    static String webSdl(String image) throws Exception {
        return dev.vyoma.testkit.Fixtures.webSdl().replace("image: nginx:1.27-alpine", "image: " + image);
    }

    /** Builds {@link #WEB_IMAGE} with the podman command. */
    static void buildWebImage(Path work) throws Exception {
        ContainerImages.withFiles(
                work,
                WEB_IMAGE,
                List.<String[]>of(new String[] {"/www/.keep", ""}),
                List.of("CMD [\"sh\", \"-c\", \"echo \\\"<h1>web from $(hostname)</h1>\\\" > /www/index.html"
                        + " && exec httpd -f -v -p 80 -h /www\"]"));
    }

    @Test
    void aDevnetStartsPodmanAndRunsALocallyBuiltImageInAContainer() throws Exception {
        buildWebImage(Files.createDirectories(dir.resolve("image")));
        int base = DevnetProcess.freeBlock(6);
        Path home = dir.resolve("devnet");
        Path sdl = dir.resolve("web.yaml");
        Files.writeString(sdl, webSdl(WEB_IMAGE));
        String socket = home.resolve("podman").resolve("podman.sock").toString();
        String owner;
        DevnetProcess stopped;
        try (DevnetProcess devnet = DevnetProcess.start(home, base)) {
            stopped = devnet;
            assertThat(devnet.output())
                    .as("the startup table says where leases run")
                    .contains("leases run as containers on unix://" + socket + " (podman started by the devnet)");
            String[] common = {
                "--node",
                "http://127.0.0.1:" + base,
                "--keyring-backend",
                "test",
                "--home",
                home.resolve("keys").toString()
            };
            VyomaClient chain = new VyomaClient("http://127.0.0.1:" + base);
            Address tenant = Keyring.open(home.resolve("keys"), Keyring.Backend.TEST)
                    .show("tenant")
                    .address();
            String cpuProvider = devnet.addressOf("CPU provider");
            owner = cpuProvider;
            long tenantBefore = chain.account(tenant).orElseThrow().balance("uusd");
            long providerBefore =
                    chain.account(Address.parse(cpuProvider)).orElseThrow().balance("uusd");

            DevnetProcess.Run deployed = DevnetProcess.cli(
                    new String[] {
                        "deploy",
                        sdl.toString(),
                        "--from",
                        "tenant",
                        "--pick",
                        cpuProvider,
                        "--timeout",
                        "60s",
                        "-o",
                        "json"
                    },
                    common);
            assertThat(deployed.code()).as(deployed.err() + devnet.output()).isZero();
            JsonNode leased = new ObjectMapper().readTree(deployed.out()).get(0);
            String uri = leased.path("uris").asString();
            String lease = leased.path("lease").asString();
            // The page names the host it runs on: the container's hostname, not this machine's.
            assertThat(DevnetProcess.rawGet(uri)).startsWith("HTTP/1.1 200").contains("<h1>web from web-0</h1>");
            String running = ContainerImages.run(List.of(
                            "podman",
                            "ps",
                            "--filter",
                            "label=dev.vyoma.lease=" + lease,
                            "--filter",
                            "status=running",
                            "--format",
                            "{{.Image}}"))
                    .output();
            assertThat(running.strip()).isEqualTo(WEB_IMAGE);

            String dseq = lease.split("/")[1];

            // An update: vyoma returns once the new container serves, and the old one is stopped after it.
            Path v2 = dir.resolve("web-v2.yaml");
            Files.writeString(
                    v2, webSdl(WEB_IMAGE).replace("image: " + WEB_IMAGE, "image: " + WEB_IMAGE + "\n    env: [V=2]"));
            DevnetProcess.Run update = DevnetProcess.cli(
                    new String[] {"deploy", "update", dseq, v2.toString(), "--from", "tenant", "-o", "json"}, common);
            assertThat(update.code()).as(update.err()).isZero();
            assertThat(new ObjectMapper()
                            .readTree(update.out())
                            .get(0)
                            .path("ready")
                            .asString())
                    .isEqualTo("1/1");
            assertThat(DevnetProcess.rawGet(uri)).startsWith("HTTP/1.1 200").contains("<h1>web from web-0</h1>");
            await().atMost(30, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> ContainerImages.run(List.of(
                                            "podman", "ps", "-a", "-q", "--filter", "label=dev.vyoma.lease=" + lease))
                                    .output()
                                    .lines()
                                    .count()
                            == 1);
            DevnetProcess.Run events =
                    DevnetProcess.cli(new String[] {"deploy", "events", dseq, "--from", "tenant"}, common);
            assertThat(events.out())
                    .contains("rolling update: starting 1 replica(s)")
                    .contains("1 new replica(s) ready; traffic moves to them")
                    .contains("1 old replica(s) stopped");

            // A command in the replica: its output printed, its exit code vyoma's.
            // (The node and keyring options go before --: what follows it is the command.)
            DevnetProcess.Run shell = DevnetProcess.cli(DevnetProcess.concat(
                    new String[] {"deploy", "shell", dseq, "--from", "tenant"},
                    common,
                    new String[] {"--", "sh", "-c", "echo from $(hostname); exit 3"}));
            assertThat(shell.code()).as(shell.err()).isEqualTo(3);
            assertThat(shell.out()).isEqualTo("from web-0\n");
            // Another account's token for the tenant's lease is refused by the provider.
            Keyring keys = Keyring.open(home.resolve("keys"), Keyring.Backend.TEST);
            java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
            assertThatThrownBy(() -> new dev.vyoma.client.ProviderGateway(chain)
                            .shell(
                                    keys.unlock("auditor", null),
                                    lease,
                                    new dev.vyoma.client.ProviderGateway.ShellCommand(
                                            "", 0, List.of("id"), false, false, 0, 0),
                                    java.io.InputStream.nullInputStream(),
                                    sink,
                                    sink))
                    .hasMessageContaining("answered 403")
                    .hasMessageContaining("the lease belongs to " + tenant);
            assertThat(sink.size()).isZero();

            DevnetProcess.Run closed =
                    DevnetProcess.cli(new String[] {"deploy", "close", dseq, "--from", "tenant"}, common);
            assertThat(closed.code()).as(closed.err()).isZero();
            // Its route goes first, then its container.
            await().atMost(30, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> DevnetProcess.rawGet(uri).startsWith("HTTP/1.1 404")
                            && ContainerImages.run(List.of(
                                            "podman", "ps", "-a", "-q", "--filter", "label=dev.vyoma.lease=" + lease))
                                    .output()
                                    .isBlank());

            // Exactly price × blocks moved from the tenant to the provider.
            JsonNode ended = chain.getJson("/v1/leases/" + lease).orElseThrow();
            long blocks =
                    ended.path("closedAt").asLong() - ended.path("createdAt").asLong();
            long paid = new BigDecimal(ended.path("price").path("amount").asString())
                    .multiply(BigDecimal.valueOf(blocks))
                    .setScale(0, RoundingMode.DOWN)
                    .longValueExact();
            assertThat(blocks).isPositive();
            assertThat(chain.account(Address.parse(cpuProvider)).orElseThrow().balance("uusd") - providerBefore)
                    .as("provider earnings over %d blocks", blocks)
                    .isEqualTo(paid);
            assertThat(tenantBefore - chain.account(tenant).orElseThrow().balance("uusd"))
                    .isEqualTo(paid);

            // An image that cannot be pulled: vyoma says why, and closes the deployment it made.
            Path missing = dir.resolve("missing.yaml");
            Files.writeString(missing, webSdl("localhost:1/vyoma-test/missing:1"));
            DevnetProcess.Run refused = DevnetProcess.cli(
                    new String[] {"deploy", missing.toString(), "--from", "tenant", "--pick", cpuProvider}, common);
            assertThat(refused.code()).as(refused.out()).isEqualTo(Main.USER_ERROR);
            assertThat(refused.err())
                    .contains("image localhost:1/vyoma-test/missing:1 cannot be pulled: ")
                    .contains("connection refused")
                    .contains("the deployment is closed and the rest of its deposit returned");
            String refusedDseq = refused.err()
                    .lines()
                    .filter(l -> l.contains("deployment ") && l.contains(" created"))
                    .map(l -> l.replaceAll(".*deployment [^/]+/([0-9]+) created.*", "$1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(chain.getJson("/v1/deployments/" + tenant + "/" + refusedDseq)
                            .orElseThrow()
                            .path("state")
                            .asString())
                    .isEqualTo("closed");

            // A lease still running when the devnet stops.
            DevnetProcess.Run second = DevnetProcess.cli(
                    new String[] {"deploy", sdl.toString(), "--from", "tenant", "--pick", cpuProvider, "-o", "json"},
                    common);
            assertThat(second.code()).as(second.err()).isZero();
        }
        // The devnet stopped: its containers are gone, and so is the Podman service it started.
        assertThat(ContainerImages.run(
                                List.of("podman", "ps", "-a", "-q", "--filter", "label=dev.vyoma.owner=" + owner))
                        .output())
                .as(stopped.output())
                .isBlank();
        assertThatThrownBy(() -> java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))
                        .close())
                .as("nothing answers on the devnet's Podman socket")
                .isInstanceOf(java.io.IOException.class);
    }
}

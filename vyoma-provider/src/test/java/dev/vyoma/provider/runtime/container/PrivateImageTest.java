package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.testkit.ContainerImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private images from a real registry with basic auth ({@link LocalRegistry}): the SDL's credentials get the pull
 * through, and the lease's events tell how it went; wrong or missing credentials, or a tag the registry does not
 * have, end in the lease's status with the registry's reason, and nothing starts. The password shows nowhere.
 */
class PrivateImageTest {
    private static final java.util.concurrent.atomic.AtomicInteger DSEQ =
            new java.util.concurrent.atomic.AtomicInteger(1);

    @TempDir
    static Path dir;

    static LocalRegistry registry;
    static PodmanFixture podman;
    static String image;
    static final String OWNER = "private-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path state;

    private ContainerRuntime runtime;
    private Ingress ingress;
    private LeaseManager leases;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start(dir.resolve("registry"));
        // The engine pulls from the registry over plain HTTP on loopback, as the devnet's registries.conf allows
        // for a registry on loopback at any port (this one's port is chosen at run time).
        podman = PodmanFixture.start(dir.resolve("podman"), PodmanService.loopbackRegistries(dir.resolve("podman")));
        image = registry.push(podman.image, "vyoma-test/private:1");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            PodmanFixture.sweep(OWNER);
            ContainerImages.run(List.of("podman", "rmi", "-f", image));
        } finally {
            podman.close();
            registry.close();
        }
    }

    @BeforeEach
    void startRuntime() throws Exception {
        // Each test pulls: the image is not on the engine before.
        ContainerImages.run(List.of("podman", "rmi", "-f", image));
        runtime = new ContainerRuntime(Engine.connect(podman.address()), OWNER, state, PodmanFixture.settings());
        ingress = Ingress.start("127.0.0.1", 0, "localhost");
        leases = new LeaseManager(runtime, ingress, "127.0.0.1", state.resolve("routes"), Clock.systemUTC());
    }

    @AfterEach
    void stopRuntime() throws Exception {
        runtime.removeOrphans(Set.of());
        leases.close();
        ingress.close();
        runtime.close();
    }

    private static String lease() {
        return "vyoma1tenant/" + DSEQ.getAndIncrement() + "/1/1/vyoma1provider";
    }

    private static TestSdl sdl(String image, String user, String password) {
        TestSdl.Service web = TestSdl.service("web");
        if (user != null) {
            web.credentials("localhost:" + registry.port, user, password);
        }
        return new TestSdl(image).with(web);
    }

    private List<String> events(String lease) {
        return leases.events(lease).stream()
                .map(LeaseManager.LeaseEvent::message)
                .toList();
    }

    @Test
    void theSdlsCredentialsGetThePullThroughAndItsProgressIsInTheEvents() throws Exception {
        String lease = lease();
        leases.deploy(
                lease, sdl(image, LocalRegistry.USER, LocalRegistry.PASSWORD).group());
        // The lease's last event comes once its traffic moved to the new replica.
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> leases.status(lease).get("ready").equals(1)
                        && events(lease).stream().anyMatch(e -> e.startsWith("manifest received")));
        assertThat(events(lease))
                .contains("pulling image " + image + " from localhost:" + registry.port + " as alice")
                .anyMatch(e -> e.startsWith("image " + image + ": layer "))
                .anyMatch(e -> e.startsWith("pulled image " + image + " in "))
                .anyMatch(e -> e.startsWith("manifest received: 1 of 1 replicas started"));
        assertThat(String.join("\n", events(lease)) + runtime.status(lease) + leases.status(lease))
                .doesNotContain(LocalRegistry.PASSWORD);
        // The stored manifest holds the password: only the provider's user reads it.
        try (var files = Files.walk(state.resolve("containers"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .toList()) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void wrongOrMissingCredentialsEndInTheStatusWithTheRegistrysReason() throws Exception {
        for (String password : new String[] {"not-the-password", null}) {
            String lease = lease();
            leases.deploy(
                    lease,
                    sdl(image, password == null ? null : LocalRegistry.USER, password)
                            .group());
            await().atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !runtime.status(lease).problem().isEmpty());
            assertThat(runtime.status(lease).problem())
                    .startsWith("image " + image + " cannot be pulled: ")
                    .endsWith("unauthorized: authentication required");
            assertThat(leases.status(lease)).containsEntry("ready", 0).containsEntry("total", 0);
            assertThat(events(lease))
                    .anyMatch(e -> e.contains("does not run: image " + image + " cannot be pulled: ")
                            && e.endsWith("unauthorized: authentication required"));
            String label = "label=" + LeaseObjects.LEASE + "=" + lease;
            assertThat(PodmanFixture.run(List.of("podman", "ps", "-a", "-q", "--filter", label))
                            .output())
                    .isBlank();
        }
    }

    @Test
    void aTagTheRegistryDoesNotHaveIsSaidSo() throws Exception {
        String lease = lease();
        String missing = registry.image("vyoma-test/private:2");
        leases.deploy(
                lease, sdl(missing, LocalRegistry.USER, LocalRegistry.PASSWORD).group());
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !runtime.status(lease).problem().isEmpty());
        assertThat(runtime.status(lease).problem())
                .startsWith("image " + missing + " cannot be pulled: ")
                .endsWith("manifest unknown: manifest unknown");
    }

    @Test
    void credentialsForAnotherRegistryAreRefusedBeforeAnyPull() throws Exception {
        String lease = lease();
        TestSdl other = new TestSdl(image)
                .with(TestSdl.service("web").credentials("docker.io", LocalRegistry.USER, LocalRegistry.PASSWORD));
        leases.deploy(lease, other.group());
        assertThat(runtime.status(lease).problem())
                .isEqualTo("service web: credentials are for registry \"docker.io\" but image " + image
                        + " is pulled from localhost:" + registry.port + "; give the image's registry as host");
        assertThat(events(lease)).noneMatch(e -> e.startsWith("pulling image"));
    }
}

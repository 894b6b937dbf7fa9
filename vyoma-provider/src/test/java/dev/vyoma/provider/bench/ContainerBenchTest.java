package dev.vyoma.provider.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.provider.runtime.container.BusyboxImage;
import dev.vyoma.provider.runtime.container.Engine;
import dev.vyoma.provider.runtime.container.PodmanFixture;
import dev.vyoma.testkit.ContainerImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container benchmark on a real engine, small: its leases answer through the ingress and straight from their
 * containers, every request of the load gets a page, and nothing it made is left behind. (Its figures are for
 * {@code vyoma bench containers}; this only checks that it measures what it says.)
 */
class ContainerBenchTest {
    @TempDir
    Path dir;

    @Test
    void itDeploysItsLeasesLoadsThemBothWaysAndRemovesThem() throws Exception {
        try (PodmanFixture podman = PodmanFixture.start(dir.resolve("podman"))) {
            String image;
            try (Engine engine = Engine.connect(podman.address())) {
                image = BusyboxImage.ensure(engine, BusyboxImage.DEFAULT_BINARY);
                assertThat(BusyboxImage.ensure(engine, BusyboxImage.DEFAULT_BINARY))
                        .as("a second import finds the first")
                        .isEqualTo(image);
            }
            List<String> progress = new ArrayList<>();
            ContainerBench.Result r = ContainerBench.run(
                    podman.address(),
                    dir.resolve("bench"),
                    new ContainerBench.Settings(image, 2, 2, Duration.ofMillis(1_200), 1, Duration.ofMillis(200), true),
                    progress::add);
            assertThat(r.manifestToUrl().count()).isEqualTo(2);
            assertThat(r.manifestToUrl().p50()).isPositive();
            assertThat(r.keepAlive()).as("--keep-alive adds its pair").isPresent();
            for (ContainerBench.Comparison c :
                    List.of(r.newConnections(), r.keepAlive().orElseThrow())) {
                assertThat(c.direct().ok()).isPositive();
                assertThat(c.ingress().ok()).isPositive();
                assertThat(c.direct().failed() + c.ingress().failed()).isZero();
            }
            assertThat(progress).anyMatch(l -> l.startsWith("warm-up: 200 ms"));
            assertThat(progress).anyMatch(l -> l.contains("keeping connections open"));
            assertThat(progress).anyMatch(l -> l.startsWith("lease 2/2: URL answered"));
            String label = "label=dev.vyoma.owner=" + r.owner();
            for (List<String> kind : List.of(
                    List.of("podman", "ps", "-a", "-q", "--filter", label),
                    List.of("podman", "network", "ls", "-q", "--filter", label),
                    List.of("podman", "volume", "ls", "-q", "--filter", label))) {
                assertThat(ContainerImages.run(kind).output().strip())
                        .as("nothing of the benchmark is left: %s", kind)
                        .isEmpty();
            }
        }
    }
}

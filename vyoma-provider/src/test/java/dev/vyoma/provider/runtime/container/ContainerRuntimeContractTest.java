package dev.vyoma.provider.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.provider.runtime.WorkloadRuntimeContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The {@link WorkloadRuntime} contract on the container runtime, on a real Podman with the busybox test image. */
class ContainerRuntimeContractTest extends WorkloadRuntimeContract {
    private static final String OWNER =
            "test-contract-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    static PodmanFixture podman;

    @BeforeAll
    static void startPodman() throws Exception {
        podman = PodmanFixture.start(dir);
    }

    @AfterAll
    static void stopPodman() throws Exception {
        try {
            PodmanFixture.sweep(OWNER);
        } finally {
            podman.close();
        }
    }

    @Override
    protected WorkloadRuntime newRuntime(Path state) throws Exception {
        return new ContainerRuntime(Engine.connect(podman.address()), OWNER, state, PodmanFixture.settings());
    }

    @Override
    protected void closeRuntime(WorkloadRuntime r) {
        ((ContainerRuntime) r).close();
    }

    @Override
    protected String image() {
        return podman.image;
    }

    @Override
    protected Capabilities capabilities() {
        // The engine adds PATH (the image's), HOSTNAME, HOME, TERM and container; sh adds SHLVL and PWD.
        return new Capabilities(true, true, Set.of("PATH", "HOSTNAME", "HOME", "TERM", "container", "SHLVL", "PWD"));
    }

    @Override
    protected Map.Entry<String, String> unrunnableImage() {
        return Map.entry(
                "localhost/vyoma-test/no-such-image:1", "image localhost/vyoma-test/no-such-image:1 cannot be pulled");
    }

    @Override
    protected void assertNothingLeft(String lease, List<WorkloadRuntime.Replica> replicas) throws Exception {
        assertThat(replicas).isNotEmpty();
        String label = "label=" + LeaseObjects.LEASE + "=" + lease;
        for (String kind : List.of("container", "volume", "network")) {
            assertThat(PodmanFixture.run(List.of("podman", kind, "ls", "-q", "--filter", label))
                            .output())
                    .as(kind + "s of the lease")
                    .isBlank();
        }
    }
}

package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link WorkloadRuntime} contract on the process runtime: the test image runs as a command entry of its image
 * table ({@code sh -c} of the SDL's command and args, with the host's busybox). It runs no shell in replicas and
 * does not restart a replica that exits, as its {@link Capabilities} say.
 */
class ProcessRuntimeContractTest extends WorkloadRuntimeContract {
    private Path runtimeState;

    @Override
    protected WorkloadRuntime newRuntime(Path state) throws Exception {
        runtimeState = state;
        return new ProcessRuntime(
                new ImageTable(List.of(new ImageTable.Entry(
                        "vyoma-test/busybox*", null, List.of("/bin/sh", "-c", "exec \"$@\"", "sh")))),
                state);
    }

    @Override
    protected String image() {
        return "vyoma-test/busybox:1";
    }

    @Override
    protected Capabilities capabilities() {
        // The runtime's own variables, and those dash sets itself.
        return new Capabilities(
                false, false, Set.of("PORT", "PORT_80", "VYOMA_LEASE", "HOME", "PATH", "PWD", "OLDPWD"));
    }

    @Override
    protected Map.Entry<String, String> unrunnableImage() {
        return Map.entry("acme/not-in-the-table:1", "image acme/not-in-the-table:1 cannot run on this provider");
    }

    @Override
    protected void assertNothingLeft(String lease, List<WorkloadRuntime.Replica> replicas) {
        assertThat(replicas).isNotEmpty();
        for (WorkloadRuntime.Replica r : replicas) {
            assertThat(ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("replica %s-%d's process", r.service(), r.index())
                    .isFalse();
        }
        assertThat(runtimeState.resolve("leases").resolve(lease.replace('/', '_')))
                .doesNotExist();
    }
}

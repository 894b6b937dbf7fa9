package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.provider.runtime.WorkloadRuntimeContract;
import io.fabric8.kubernetes.api.model.Namespace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link WorkloadRuntime} contract on the Kubernetes runtime, against fabric8's mock API server with a stand-in
 * for the controllers and kubelets that makes each workload's pods and marks them running and ready (as
 * {@link MockCluster#runPods} does). The cases that need a real kubelet (a process in a pod that serves HTTP, prints
 * its environment, writes logs, exits, or runs a command) are skipped with the reason; the others run as for every
 * runtime.
 */
class KubernetesRuntimeContractTest extends WorkloadRuntimeContract {
    /** The contract's cases that only a cluster with a kubelet can show, and why. */
    private static final Map<String, String> NEEDS_A_KUBELET = Map.of(
            "aDeployedWebServiceIsReadyAndItsUriAnswers",
            "its URI must answer from a web server running in a pod",
            "aReplicaSeesOnlyTheSdlsEnvironment",
            "a process in a pod must print its environment",
            "anUpdateMovesTheUriToTheNewManifest",
            "its URI must answer from the new pods' web server",
            "logsFollowNewLinesUntilTheCallerStops",
            "a process in a pod must write the lines followed",
            "aShellRunsInAReplicaOrIsRefusedAsUnsupported",
            "exec must run a command in a container",
            "aReplicaThatExitsIsStartedAgainOrReportedDown",
            "a container must exit and the kubelet restart it");

    private MockCluster mock;
    private ScheduledExecutorService kubelet;

    @BeforeEach
    void skipWhatNeedsAKubelet(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        Assumptions.assumeFalse(
                NEEDS_A_KUBELET.containsKey(name),
                () -> "needs a real kubelet, which the mock API server does not have: " + NEEDS_A_KUBELET.get(name));
    }

    @Override
    protected WorkloadRuntime newRuntime(Path state) {
        mock = new MockCluster();
        kubelet = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("mock-kubelet").factory());
        kubelet.scheduleWithFixedDelay(
                () -> {
                    try {
                        for (Namespace ns : mock.cluster.namespaces().list().getItems()) {
                            mock.runPods(ns.getMetadata().getName());
                        }
                    } catch (RuntimeException e) {
                        // A namespace deleted while it was read: the next pass sees it gone.
                    }
                },
                50,
                50,
                TimeUnit.MILLISECONDS);
        return new KubernetesRuntime(mock.runtimeClient(), "vyoma1provider", Fixtures.SETTINGS);
    }

    @Override
    protected void closeRuntime(WorkloadRuntime r) throws Exception {
        kubelet.shutdownNow();
        kubelet.awaitTermination(5, TimeUnit.SECONDS);
        ((KubernetesRuntime) r).close();
        mock.close();
    }

    @Override
    protected String image() {
        return "busybox:1.36";
    }

    @Override
    protected Capabilities capabilities() {
        // Kubernetes adds the API server's address (service links are off) and the image's PATH, HOSTNAME, HOME.
        return new Capabilities(
                true,
                true,
                Set.of(
                        "PATH",
                        "HOSTNAME",
                        "HOME",
                        "TERM",
                        "SHLVL",
                        "PWD",
                        "KUBERNETES_SERVICE_HOST",
                        "KUBERNETES_SERVICE_PORT",
                        "KUBERNETES_SERVICE_PORT_HTTPS",
                        "KUBERNETES_PORT",
                        "KUBERNETES_PORT_443_TCP",
                        "KUBERNETES_PORT_443_TCP_ADDR",
                        "KUBERNETES_PORT_443_TCP_PORT",
                        "KUBERNETES_PORT_443_TCP_PROTO"));
    }

    /** A reference that is not an image: refused before anything reaches the cluster. */
    @Override
    protected Map.Entry<String, String> unrunnableImage() {
        return Map.entry("busybox$(id)", "image busybox$(id) is not an image reference");
    }

    @Override
    protected void assertNothingLeft(String lease, List<WorkloadRuntime.Replica> replicas) {
        assertThat(replicas).isNotEmpty();
        assertThat(mock.cluster
                        .namespaces()
                        .withName(Names.namespace("vyoma-", lease))
                        .get())
                .as("the lease's namespace (deleting it deletes everything in it)")
                .isNull();
    }
}

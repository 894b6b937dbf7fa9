package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.provider.runtime.Shell;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.ManifestGroup;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes runtime against fabric8's mock API server in CRUD mode: what a deploy creates, status read from
 * the pod and workload status fields the test sets as a kubelet would, an update, teardown, adoption by a new
 * runtime, orphan removal, logs and shell refusals.
 */
class KubernetesRuntimeTest {
    static final String PROVIDER = "vyoma1provider";

    private MockCluster mock;
    private KubernetesRuntime runtime;
    private static int dseq = 100;

    @BeforeEach
    void start() {
        mock = new MockCluster();
        runtime = newRuntime();
    }

    private KubernetesRuntime newRuntime() {
        return new KubernetesRuntime(mock.runtimeClient(), PROVIDER, Fixtures.SETTINGS);
    }

    @AfterEach
    void stop() {
        runtime.close();
        mock.close();
    }

    static String lease() {
        return "vyoma1tenant/" + dseq++ + "/1/1/" + PROVIDER;
    }

    static ManifestGroup web(String title) throws Exception {
        return Fixtures.groups(Fixtures.sdl("web", "nginx:1.27", "    env:\n      - TITLE=" + title + "\n", ""))
                .get(0);
    }

    private String ns(String lease) {
        return Names.namespace("vyoma-", lease);
    }

    @Test
    void aDeployCreatesTheLeasesNamespaceAndObjectsAndStatusFollowsThePods() throws Exception {
        String lease = lease();
        ManifestGroup g = web("one");
        List<String> events = new ArrayList<>();
        int[] cutovers = {0};
        WorkloadRuntime.LeaseStatus s = runtime.deploy(lease, g, new WorkloadRuntime.Rollout() {
            @Override
            public void event(String message) {
                events.add(message);
            }

            @Override
            public void cutover() {
                cutovers[0]++;
            }
        });
        assertThat(cutovers[0]).isEqualTo(1);
        assertThat(events).singleElement().asString().startsWith("manifest applied in namespace " + ns(lease));
        assertThat(s.total()).isEqualTo(2);
        assertThat(s.ready()).isZero();
        assertThat(s.replicas()).isEmpty();
        Namespace n = mock.cluster.namespaces().withName(ns(lease)).get();
        assertThat(n.getMetadata().getLabels())
                .containsEntry(Names.OWNER, "vyoma1tenant")
                .containsEntry(Names.PROVIDER, PROVIDER)
                .containsEntry(Names.MANAGED_BY, Names.MANAGER)
                .containsEntry(Names.VERSION, g.version().hex().substring(0, 40));
        assertThat(n.getMetadata().getAnnotations()).containsEntry(Names.LEASE_ANNOTATION, lease);
        Deployment d = mock.cluster
                .apps()
                .deployments()
                .inNamespace(ns(lease))
                .withName("web")
                .get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .containsExactly("TITLE=one");
        assertThat(mock.cluster
                        .network()
                        .v1()
                        .ingresses()
                        .inNamespace(ns(lease))
                        .withName("web")
                        .get())
                .isNotNull();
        assertThat(mock.cluster
                        .network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns(lease))
                        .list()
                        .getItems())
                .isNotEmpty();

        mock.runPods(ns(lease));
        s = runtime.status(lease);
        assertThat(s.ready()).isEqualTo(2);
        assertThat(s.total()).isEqualTo(2);
        assertThat(s.problem()).isEmpty();
        assertThat(s.version()).isEqualTo(g.version().hex());
        assertThat(s.updating()).isEmpty();
        assertThat(s.replicas()).extracting(r -> r.service() + "-" + r.index()).containsExactly("web-0", "web-1");
        assertThat(runtime.leases()).containsExactly(lease);
        assertThat(runtime.manifest(lease)).contains(g);

        // The same manifest again sends nothing that changes the cluster.
        mock.requests.clear();
        runtime.deploy(lease, g);
        assertThat(mock.requests).noneMatch(r -> !r.startsWith("GET"));
    }

    @Test
    void statusSaysWhyReplicasAreNotReady() throws Exception {
        String lease = lease();
        runtime.deploy(lease, web("x"));
        mock.runPods(ns(lease));
        List<Pod> pods = mock.cluster.pods().inNamespace(ns(lease)).list().getItems();
        pods.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
        // Replica 0 was killed for memory twice and runs again; replica 1 waits for an image it cannot pull.
        Pod oom = pods.get(0);
        oom.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName("web")
                        .withRestartCount(2)
                        .withNewLastState()
                        .withNewTerminated()
                        .withReason("OOMKilled")
                        .withExitCode(137)
                        .endTerminated()
                        .endLastState()
                        .withNewState()
                        .withNewRunning()
                        .endRunning()
                        .endState()
                        .build()));
        mock.cluster.resource(oom).updateStatus();
        Pod pull = pods.get(1);
        pull.getStatus().setPhase("Pending");
        pull.getStatus().setConditions(List.of());
        pull.getStatus()
                .setContainerStatuses(List.of(new ContainerStatusBuilder()
                        .withName("web")
                        .withRestartCount(0)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"nginx:1.27\"\u001b[31m")
                        .endWaiting()
                        .endState()
                        .build()));
        mock.cluster.resource(pull).updateStatus();
        Deployment d = mock.cluster
                .apps()
                .deployments()
                .inNamespace(ns(lease))
                .withName("web")
                .get();
        d.getStatus().setReadyReplicas(1);
        mock.cluster.resource(d).updateStatus();

        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        assertThat(s.ready()).isEqualTo(1);
        assertThat(s.total()).isEqualTo(2);
        assertThat(s.replicas()).extracting(r -> r.service() + "-" + r.index()).containsExactly("web-0");
        assertThat(s.problem())
                .contains("web-0 restarted 2 time(s), last stopped: OOMKilled")
                .contains("web-1 ImagePullBackOff: Back-off pulling image \"nginx:1.27\"\\x1b[31m");
    }

    @Test
    void anUpdateRollsOutThroughTheDeploymentAndRemovesWhatTheManifestDropped() throws Exception {
        String lease = lease();
        ManifestGroup v1 = Fixtures.groups(Fixtures.sdl("web", "nginx:1.27", "", "")
                        .replace(
                                "profiles:",
                                "  db:\n    image: postgres:16\n    expose:\n      - port: 5432\n"
                                        + "        to:\n          - service: web\nprofiles:")
                        .replace(
                                "  placement:",
                                "    db:\n      resources:\n        cpu: {units: 1}\n"
                                        + "        memory: {size: 1Gi}\n        storage: {size: 1Gi}\n  placement:")
                        .replace(
                                "web: {denom: uusd, amount: 1000}",
                                "web: {denom: uusd, amount: 1000}\n" + "        db: {denom: uusd, amount: 1000}")
                        .replace("deployment:\n", "deployment:\n  db:\n    dc: {profile: db, count: 1}\n"))
                .get(0);
        assertThat(v1.services()).extracting(s -> s.name()).containsExactly("db", "web");
        runtime.deploy(lease, v1);
        mock.runPods(ns(lease));
        assertThat(runtime.status(lease).ready()).isEqualTo(3);

        ManifestGroup v2 = web("two");
        List<String> events = new ArrayList<>();
        runtime.deploy(lease, v2, new WorkloadRuntime.Rollout() {
            @Override
            public void event(String message) {
                events.add(message);
            }

            @Override
            public void cutover() {}
        });
        assertThat(events).singleElement().asString().contains("manifest updated; rolling out", "removed");
        // The Deployment was changed in place: its controller has not rolled the new pods out yet.
        Deployment d = mock.cluster
                .apps()
                .deployments()
                .inNamespace(ns(lease))
                .withName("web")
                .get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .extracting(e -> e.getValue())
                .containsExactly("two");
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .withReplicas(2)
                .withReadyReplicas(2)
                .withUpdatedReplicas(0)
                .withObservedGeneration(0L)
                .build());
        mock.cluster.resource(d).updateStatus();
        WorkloadRuntime.LeaseStatus s = runtime.status(lease);
        assertThat(s.version()).isEqualTo(v1.version().hex());
        assertThat(s.updating()).isEqualTo(v2.version().hex());
        assertThat(mock.cluster
                        .apps()
                        .deployments()
                        .inNamespace(ns(lease))
                        .withName("db")
                        .get())
                .isNull();
        assertThat(mock.cluster.services().inNamespace(ns(lease)).withName("db").get())
                .isNull();

        mock.runPods(ns(lease));
        s = runtime.status(lease);
        assertThat(s.version()).isEqualTo(v2.version().hex());
        assertThat(s.updating()).isEmpty();
        assertThat(s.ready()).isEqualTo(2);
        assertThat(runtime.manifest(lease)).contains(v2);
    }

    @Test
    void teardownDeletesTheNamespace() throws Exception {
        String lease = lease();
        runtime.deploy(lease, web("bye"));
        runtime.teardown(lease);
        assertThat(mock.cluster.namespaces().withName(ns(lease)).get()).isNull();
        assertThat(runtime.leases()).isEmpty();
        assertThat(runtime.status(lease).total()).isZero();
        assertThat(runtime.manifest(lease)).isEmpty();
    }

    @Test
    void aNewRuntimeAdoptsTheLeasesOfItsProviderAndRemovesOrphans() throws Exception {
        String kept = lease();
        String ended = lease();
        ManifestGroup g = web("kept");
        runtime.deploy(kept, g);
        runtime.deploy(ended, web("ended"));
        mock.runPods(ns(kept));
        // Another provider's lease on the same cluster is not this one's.
        new KubernetesRuntime(mock.runtimeClient(), "vyoma1other", Fixtures.SETTINGS)
                .deploy("vyoma1tenant/7/1/1/vyoma1other", web("other"));
        runtime.close();

        runtime = newRuntime();
        WorkloadRuntime.Found found = runtime.adopt();
        assertThat(found.running()).containsExactlyInAnyOrder(kept, ended);
        assertThat(found.stopped()).isEmpty();
        assertThat(runtime.manifest(kept)).contains(g);
        assertThat(runtime.status(kept).ready()).isEqualTo(2);
        assertThat(runtime.status(kept).version()).isEqualTo(g.version().hex());

        assertThat(runtime.removeOrphans(Set.of(kept))).containsExactly(ended);
        assertThat(mock.cluster.namespaces().withName(ns(ended)).get()).isNull();
        assertThat(mock.cluster.namespaces().withName(ns(kept)).get()).isNotNull();
        assertThat(mock.cluster
                        .namespaces()
                        .withName(ns("vyoma1tenant/7/1/1/vyoma1other"))
                        .get())
                .isNotNull();
        assertThat(runtime.leases()).containsExactly(kept);
    }

    @Test
    void stopAllKeepsTheManifestsAndAdoptReportsThemStopped() throws Exception {
        String lease = lease();
        ManifestGroup g = web("s");
        runtime.deploy(lease, g);
        mock.runPods(ns(lease));
        runtime.stopAll();
        assertThat(mock.cluster
                        .apps()
                        .deployments()
                        .inNamespace(ns(lease))
                        .withName("web")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isZero();
        runtime.close();
        runtime = newRuntime();
        WorkloadRuntime.Found found = runtime.adopt();
        assertThat(found.running()).isEmpty();
        assertThat(found.stopped()).containsOnlyKeys(lease).containsEntry(lease, g);
        // Deployed again, the same manifest runs again.
        runtime.deploy(lease, g);
        assertThat(mock.cluster
                        .apps()
                        .deployments()
                        .inNamespace(ns(lease))
                        .withName("web")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);
        assertThat(runtime.adopt().running()).containsExactly(lease);
    }

    @Test
    void aRefusedManifestIsALeaseWithAProblemAndCreatesNothing() throws Exception {
        String lease = lease();
        ManifestGroup g = Fixtures.groups(Fixtures.sdl("web", "nginx:1.27", "", "")
                        .replace(
                                "memory: {size: 128Mi}",
                                "memory: {size: 128Mi}\n        gpu:\n          units: 1\n"
                                        + "          attributes:\n            vendor:\n              nvidia:\n"
                                        + "                - model: b200"))
                .get(0);
        List<String> events = new ArrayList<>();
        WorkloadRuntime.LeaseStatus s = runtime.deploy(lease, g, new WorkloadRuntime.Rollout() {
            @Override
            public void event(String message) {
                events.add(message);
            }

            @Override
            public void cutover() {
                throw new AssertionError("a refused manifest moves no traffic");
            }
        });
        assertThat(s.problem())
                .contains("no node of this provider's cluster has a GPU of kind vendor/nvidia/model/b200");
        assertThat(events).singleElement().asString().startsWith("manifest refused: ");
        assertThat(runtime.leases()).containsExactly(lease);
        assertThat(mock.cluster.namespaces().list().getItems()).isEmpty();
        runtime.teardown(lease);
        assertThat(runtime.leases()).isEmpty();
        // A lease of another provider, or an id that is not one, is refused as well.
        assertThat(runtime.deploy("vyoma1tenant/1/1/1/vyoma1other", web("x")).problem())
                .contains("is not a lease of provider " + PROVIDER);
        assertThat(runtime.deploy("../../etc/1/1/1/" + PROVIDER, web("x")).problem())
                .contains("is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER");
    }

    @Test
    void logsReadEachReplicasLinesAndFollowUntilStopped() throws Exception {
        String lease = lease();
        runtime.deploy(lease, web("logs"));
        mock.runPods(ns(lease));
        List<String> pods = mock.cluster.pods().inNamespace(ns(lease)).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
        mock.logs.put(pods.get(0), "a\nb\nc\n");
        mock.logs.put(pods.get(1), "x\ny\n");
        List<String> lines = new ArrayList<>();
        runtime.logs(lease, new WorkloadRuntime.LogRequest("", 2, false), lines::add, () -> true);
        assertThat(lines).containsExactly("[web-0] b", "[web-0] c", "[web-1] x", "[web-1] y");
        List<String> followed = new CopyOnWriteArrayList<>();
        runtime.logs(lease, new WorkloadRuntime.LogRequest("web", -1, true), followed::add, () -> followed.size() >= 5);
        assertThat(followed).containsExactlyInAnyOrder("[web-0] a", "[web-0] b", "[web-0] c", "[web-1] x", "[web-1] y");
        List<String> none = new ArrayList<>();
        runtime.logs(lease, new WorkloadRuntime.LogRequest("nope", 10, false), none::add, () -> true);
        assertThat(none).isEmpty();
    }

    @Test
    void aShellIsRefusedForAReplicaThatDoesNotExistOrDoesNotRun() throws Exception {
        String lease = lease();
        runtime.deploy(lease, web("sh"));
        Shell.Request request = new Shell.Request("", 0, List.of("sh"), false, false);
        assertThatThrownBy(() -> runtime.shell(lease, request))
                .isInstanceOf(Shell.Refused.class)
                .hasMessageContaining("runs nothing here");
        mock.runPods(ns(lease));
        assertThatThrownBy(() -> runtime.shell(lease, new Shell.Request("", 5, List.of("sh"), false, false)))
                .isInstanceOf(Shell.Refused.class)
                .satisfies(
                        e -> assertThat(((Shell.Refused) e).reason()).isEqualTo(Shell.Refused.Reason.NO_SUCH_REPLICA))
                .hasMessageContaining("has replicas 0 to 1, not 5");
        assertThatThrownBy(() -> runtime.shell(lease, new Shell.Request("db", 0, List.of("sh"), false, false)))
                .isInstanceOf(Shell.Refused.class)
                .hasMessageContaining("has no service db; it runs web");
        Pod p = mock.cluster.pods().inNamespace(ns(lease)).list().getItems().stream()
                .min(java.util.Comparator.comparing(x -> x.getMetadata().getName()))
                .orElseThrow();
        p.getStatus().setPhase("Pending");
        mock.cluster.resource(p).updateStatus();
        assertThatThrownBy(() -> runtime.shell(lease, request))
                .isInstanceOf(Shell.Refused.class)
                .satisfies(e -> assertThat(((Shell.Refused) e).reason()).isEqualTo(Shell.Refused.Reason.NOT_RUNNING));
        // Replica 1 runs: a shell is made for it, and starting it asks the API server for an exec stream (which the
        // mock, with no kubelet behind it, does not upgrade: the failure is one IOException line).
        try (Shell shell = runtime.shell(lease, new Shell.Request("web", 1, List.of("sh", "-c", "id"), false, false))) {
            assertThatThrownBy(shell::start)
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("cannot run the command in web-");
        }
        assertThat(mock.requests)
                .anyMatch(r -> r.startsWith("GET /api/v1/namespaces/" + ns(lease) + "/pods/web-")
                        && r.contains("/exec?command=sh&command=-c&command=id"));
        // A replica replaced between the choice and the start (same name, a new pod): the command does not run in
        // the newcomer, and the caller hears to try again.
        try (Shell shell = runtime.shell(lease, new Shell.Request("web", 1, List.of("hostname"), false, false))) {
            Pod chosen = mock.cluster.pods().inNamespace(ns(lease)).list().getItems().stream()
                    .sorted(java.util.Comparator.comparing(x -> x.getMetadata().getName()))
                    .skip(1)
                    .findFirst()
                    .orElseThrow();
            mock.cluster.resource(chosen).delete();
            chosen.getMetadata().setUid(null);
            chosen.getMetadata().setResourceVersion(null);
            mock.cluster.resource(chosen).create();
            assertThatThrownBy(shell::start)
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessage("replica " + chosen.getMetadata().getName()
                            + " was replaced since it was chosen; try again");
        }
        assertThat(mock.requests).noneMatch(r -> r.contains("/exec?command=hostname"));
    }

    @Test
    void eventsAreKubernetesOwnWords() throws Exception {
        String lease = lease();
        runtime.deploy(lease, web("ev"));
        mock.cluster
                .v1()
                .events()
                .inNamespace(ns(lease))
                .resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                        .withNewMetadata()
                        .withName("web.1")
                        .withNamespace(ns(lease))
                        .endMetadata()
                        .withType("Warning")
                        .withReason("FailedScheduling")
                        .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
                        .withNewInvolvedObject()
                        .withKind("Pod")
                        .withName("web-abc")
                        .endInvolvedObject()
                        .withLastTimestamp("2026-12-07T10:00:00Z")
                        .build())
                .create();
        assertThat(runtime.events(lease, 10))
                .containsExactly(
                        new WorkloadRuntime.Event(
                                java.time.Instant.parse("2026-12-07T10:00:00Z"),
                                "Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. (Pod/web-abc)"));
    }
}

package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.provider.runtime.Shell;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The ClusterRole in {@code examples/kubernetes/clusterrole.yaml} grants exactly what the runtime uses: every call
 * of a provider's life (the inventory read, a deploy of every kind of object, status, events, logs, a shell, an
 * update that drops objects, a stop, adoption, orphan removal, teardown) is recorded by the mock API server as the
 * (verb, resource, API group) Kubernetes authorizes it as, and the set must equal the role's rules, expanded.
 */
class RbacTest {
    private static final String PROVIDER = "vyoma1provider";

    @Test
    void theClusterRoleGrantsExactlyWhatTheRuntimeUses() throws Exception {
        Set<String> used;
        try (MockCluster mock = new MockCluster()) {
            exercise(mock);
            used = mock.accessLines();
        }
        Set<String> granted = granted(
                Path.of(System.getProperty("vyoma.root", "..")).resolve("examples/kubernetes/clusterrole.yaml"));
        assertThat(granted)
                .as("granted by the ClusterRole (left) and used by the runtime")
                .isEqualTo(used);
    }

    /** Everything a provider does with its cluster, once. */
    private static void exercise(MockCluster mock) throws Exception {
        try (KubernetesRuntime runtime = new KubernetesRuntime(mock.runtimeClient(), PROVIDER, Fixtures.SETTINGS)) {
            ClusterInventory.read(runtime.client(), Fixtures.SETTINGS);
            String lease = "vyoma1tenant/9/1/1/" + PROVIDER;
            String other = "vyoma1tenant/10/1/1/" + PROVIDER;
            String ns = Names.namespace("vyoma-", lease);
            // Every kind of object: a StatefulSet with a claim, a NodePort, a pull secret, a GPU (the nodes' labels
            // are read for the affinity).
            mock.cluster
                    .nodes()
                    .resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                            .withNewMetadata()
                            .withName("gpu")
                            .withLabels(Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB"))
                            .endMetadata()
                            .build())
                    .create();
            ManifestGroup all = everyKind("one");
            runtime.deploy(lease, all);
            runtime.deploy(other, KubernetesRuntimeTest.web("other"));
            mock.runPods(ns);
            assertThat(runtime.status(lease).ready()).isEqualTo(2);
            runtime.events(lease, 10);
            mock.cluster
                    .pods()
                    .inNamespace(ns)
                    .list()
                    .getItems()
                    .forEach(p -> mock.logs.put(p.getMetadata().getName(), "line\n"));
            runtime.logs(lease, new WorkloadRuntime.LogRequest("", 5, false), l -> {}, () -> true);
            List<String> followed = new ArrayList<>();
            runtime.logs(lease, new WorkloadRuntime.LogRequest("", -1, true), followed::add, () -> !followed.isEmpty());
            try (Shell shell = runtime.shell(lease, new Shell.Request("db", 0, List.of("true"), false, false))) {
                assertThatThrownBy(shell::start).isInstanceOf(java.io.IOException.class);
            }
            // An update of every object, a stop and a start again, then an update that drops the StatefulSet, its
            // secret and its NodePort.
            ManifestGroup two = everyKind("two");
            runtime.deploy(lease, two);
            runtime.stopAll();
            runtime.adopt();
            runtime.deploy(lease, two);
            runtime.deploy(lease, KubernetesRuntimeTest.web("update"));
            runtime.deploy(lease, everyKind("three"));
            runtime.deploy(other, KubernetesRuntimeTest.web("other, updated"));
            runtime.manifest(lease);
            runtime.leases();
            runtime.removeOrphans(Set.of(lease));
            runtime.teardown(lease);
        }
    }

    /** A group with every kind of object: a StatefulSet with a claim, a NodePort, a pull secret, a GPU. */
    private static ManifestGroup everyKind(String title) throws Exception {
        return Fixtures.groups(Fixtures.sdl(
                                "db",
                                "registry.example.com/db:1",
                                "    env: [TITLE=" + title + "]\n"
                                        + "    credentials: {host: registry.example.com, username: u, password: p}\n"
                                        + "    params:\n      storage:\n        data: {mount: /var/lib/db}\n",
                                "        gpu:\n          units: 1\n          attributes:\n            vendor:\n"
                                        + "              nvidia:\n                - model: a100\n"
                                        + "        storage:\n          - size: 1Gi\n          - name: data\n"
                                        + "            size: 10Gi\n            attributes: {persistent: true,"
                                        + " class: beta2}\n")
                        .replace(
                                "        to:\n          - global: true\n",
                                "        to:\n          - global: true\n"
                                        + "      - port: 5432\n        to:\n          - global: true\n"))
                .get(0);
    }

    /** The role's rules, expanded to {@code verb resource group} lines. */
    @SuppressWarnings("unchecked")
    static Set<String> granted(Path role) throws Exception {
        Map<String, Object> doc =
                (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(role));
        assertThat(doc).containsEntry("kind", "ClusterRole");
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) doc.get("rules")) {
            for (Object group : (List<Object>) rule.get("apiGroups")) {
                for (Object resource : (List<Object>) rule.get("resources")) {
                    for (Object verb : (List<Object>) rule.get("verbs")) {
                        out.add(verb + " " + resource + " " + group);
                    }
                }
            }
        }
        return out;
    }
}

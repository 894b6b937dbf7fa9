package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.provider.LeaseManager;
import dev.vyoma.provider.runtime.Ingress;
import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.sdl.manifest.ManifestGroup;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a tenant's status lists for a lease on the cluster: its hosts on the cluster ingress's port (not the
 * provider's own ingress port) and its other global ports on the NodePorts the cluster assigned, with no port
 * forwarders of the provider's; and its events, the provider's own merged with the cluster's.
 */
class KubernetesLeaseEndpointsTest {
    private static final String SDL = "version: \"2.0\"\nservices:\n  web:\n    image: nginx:1.27\n    expose:\n"
            + "      - port: 80\n        as: 80\n        to:\n          - global: true\n"
            + "      - port: 22\n        as: 2222\n        to:\n          - global: true\n"
            + "      - port: 5353\n        proto: udp\n        to:\n          - global: true\n"
            + "profiles:\n  compute:\n    web:\n      resources:\n        cpu: {units: 0.5}\n"
            + "        memory: {size: 128Mi}\n        storage: {size: 512Mi}\n"
            + "  placement:\n    dc:\n      pricing:\n        web: {denom: uusd, amount: 1000}\n"
            + "deployment:\n  web:\n    dc: {profile: web, count: 1}\n";

    @TempDir
    Path dir;

    private MockCluster mock;
    private Ingress ingress;
    private KubernetesRuntime runtime;
    private LeaseManager leases;

    @BeforeEach
    void start() throws Exception {
        mock = new MockCluster();
        // The provider's own ingress listens on a port of its own, never 80 here: the URIs must not carry it.
        ingress = Ingress.start("127.0.0.1", 0, "ingress.example.com");
    }

    private void manager(KubernetesSettings settings) throws Exception {
        runtime = new KubernetesRuntime(mock.runtimeClient(), KubernetesRuntimeTest.PROVIDER, settings);
        leases = new LeaseManager(runtime, ingress, "provider.example.com", dir, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (leases != null) {
            leases.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        ingress.close();
        mock.close();
    }

    private static KubernetesSettings withIngressPort(int port) {
        KubernetesSettings s = Fixtures.SETTINGS;
        return new KubernetesSettings(
                s.kubeconfig(),
                s.inCluster(),
                s.namespacePrefix(),
                s.ingressClass(),
                s.ingressDomain(),
                s.ingressNamespace(),
                port,
                s.nodeAddress(),
                s.storageClasses(),
                s.gpuProductLabel(),
                s.gpuMemoryLabel());
    }

    /** What the cluster's service controller does: gives each port of the NodePort Service a node port. */
    private void assignNodePorts(String lease, Map<Integer, Integer> byPort) {
        mock.cluster
                .services()
                .inNamespace(Names.namespace("vyoma-", lease))
                .withName("web-np")
                .edit(s -> {
                    s.getSpec().getPorts().forEach(p -> p.setNodePort(byPort.get(p.getPort())));
                    return s;
                });
    }

    @Test
    void urisAreOnTheClusterIngressAndOtherPortsOnTheAssignedNodePorts() throws Exception {
        manager(Fixtures.SETTINGS);
        String lease = KubernetesRuntimeTest.lease();
        ManifestGroup g = Fixtures.groups(SDL).get(0);
        leases.deploy(lease, g);
        String host = IngressId.of(lease, "web") + ".ingress.example.com";

        Map<String, Object> before = leases.status(lease);
        assertThat(ingress.port()).isNotEqualTo(80);
        assertThat(before.get("uris")).isEqualTo(List.of(host));
        assertThat(before.get("forwardedPorts")).isEqualTo(List.of());
        assertThat((String) before.get("problem"))
                .contains("the cluster has assigned no NodePort yet to: web port 22/TCP, web port 5353/UDP");

        Service np = mock.cluster
                .services()
                .inNamespace(Names.namespace("vyoma-", lease))
                .withName("web-np")
                .get();
        assertThat(np.getSpec().getType()).isEqualTo("NodePort");
        assignNodePorts(lease, Map.of(2222, 31222, 5353, 31353));

        Map<String, Object> after = leases.status(lease);
        assertThat(after.get("uris")).isEqualTo(List.of(host));
        assertThat(after.get("forwardedPorts"))
                .isEqualTo(List.of(
                        new LeaseManager.ForwardedPort("web", 22, "nodes.example.com", 31222, "TCP"),
                        new LeaseManager.ForwardedPort("web", 5353, "nodes.example.com", 31353, "UDP")));
        assertThat(after).doesNotContainKey("problem");
        // The provider forwarded nothing itself: no host port was given out for the lease.
        Path routes = dir.resolve("routes.json");
        assertThat(!Files.exists(routes) || !Files.readString(routes).contains(lease))
                .as("host ports given out: %s", Files.exists(routes) ? Files.readString(routes) : "none")
                .isTrue();
    }

    @Test
    void anIngressOnAnotherPortIsNamedInTheUri() throws Exception {
        manager(withIngressPort(8443));
        String lease = KubernetesRuntimeTest.lease();
        leases.deploy(lease, Fixtures.groups(SDL).get(0));
        assertThat(leases.status(lease).get("uris"))
                .isEqualTo(List.of(IngressId.of(lease, "web") + ".ingress.example.com:8443"));
    }

    @Test
    void aLeaseWithoutServicesListsNothing() throws Exception {
        manager(Fixtures.SETTINGS);
        Map<String, Object> s = leases.status(KubernetesRuntimeTest.lease());
        assertThat(s.get("uris")).isEqualTo(List.of());
        assertThat(s.get("forwardedPorts")).isEqualTo(List.of());
    }

    private void clusterEvent(String lease, String name, String reason, String message, String at) {
        mock.cluster
                .v1()
                .events()
                .inNamespace(Names.namespace("vyoma-", lease))
                .resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(Names.namespace("vyoma-", lease))
                        .endMetadata()
                        .withType("Warning")
                        .withReason(reason)
                        .withMessage(message)
                        .withNewInvolvedObject()
                        .withKind("Pod")
                        .withName("web-abc")
                        .endInvolvedObject()
                        .withLastTimestamp(at)
                        .build())
                .create();
    }

    @Test
    void theTenantsEventsMergeTheClustersWithTheProvidersByTimeAndAreBounded() throws Exception {
        manager(Fixtures.SETTINGS);
        String lease = KubernetesRuntimeTest.lease();
        leases.deploy(lease, Fixtures.groups(SDL).get(0));
        List<LeaseManager.LeaseEvent> own = leases.events(lease);
        assertThat(own).extracting(LeaseManager.LeaseEvent::message).anyMatch(m -> m.startsWith("manifest applied"));
        java.time.Instant deployed = java.time.Instant.parse(own.get(0).time());
        // One before the deploy, one after; a message with a control character and far too long.
        clusterEvent(
                lease,
                "a",
                "Scheduled",
                "assigned to node n1",
                deployed.minusSeconds(60).toString());
        clusterEvent(
                lease,
                "b",
                "BackOff",
                "pulling\u001b[31m " + "x".repeat(5000),
                deployed.plusSeconds(60).toString());

        List<LeaseManager.LeaseEvent> all = leases.events(lease);
        assertThat(all.get(0))
                .isEqualTo(new LeaseManager.LeaseEvent(
                        deployed.minusSeconds(60).toString(), "Warning Scheduled: assigned to node n1 (Pod/web-abc)"));
        LeaseManager.LeaseEvent last = all.get(all.size() - 1);
        assertThat(last.time()).isEqualTo(deployed.plusSeconds(60).toString());
        assertThat(last.message())
                .startsWith("Warning BackOff: pulling\\x1b[31m xxx")
                .endsWith("... (Pod/web-abc)")
                .hasSizeLessThan(500)
                .doesNotContain("\u001b");
        assertThat(all.subList(1, all.size() - 1)).isEqualTo(own);

        // However many the cluster keeps, the tenant gets the newest 200.
        for (int i = 0; i < 230; i++) {
            clusterEvent(
                    lease,
                    "n" + i,
                    "Pulled",
                    "pull " + i,
                    deployed.plusSeconds(100 + i).toString());
        }
        List<LeaseManager.LeaseEvent> bounded = leases.events(lease);
        assertThat(bounded).hasSize(200);
        assertThat(bounded.get(199).message()).startsWith("Warning Pulled: pull 229 ");
    }
}

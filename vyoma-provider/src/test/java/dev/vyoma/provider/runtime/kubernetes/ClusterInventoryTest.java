package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inventory read from a cluster (the mock API server, with nodes and pods the test creates): each ready,
 * schedulable node's allocatable resources less what its unfinished pods request, GPUs of the model its labels
 * name, and the storage classes the cluster has.
 */
class ClusterInventoryTest {
    private final MockCluster mock = new MockCluster();

    @AfterEach
    void stop() {
        mock.close();
    }

    private void node(String name, boolean ready, boolean cordoned, Map<String, String> labels, String gpus) {
        Node n = new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(cordoned)
                .endSpec()
                .withNewStatus()
                .withAllocatable(Map.of(
                        "cpu",
                        new Quantity("7900m"),
                        "memory",
                        new Quantity("32Gi"),
                        "ephemeral-storage",
                        new Quantity("100Gi"),
                        LeaseObjects.GPU_RESOURCE,
                        new Quantity(gpus)))
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build();
        mock.cluster.nodes().resource(n).create();
    }

    private void pod(String name, String node, String phase, Map<String, String> requests, Map<String, String> init) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("tenant")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .withNewResources()
                .withRequests(quantities(requests))
                .endResources()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus();
        Pod p = b.build();
        if (!init.isEmpty()) {
            p.getSpec()
                    .setInitContainers(List.of(new io.fabric8.kubernetes.api.model.ContainerBuilder()
                            .withName("init")
                            .withImage("busybox")
                            .withNewResources()
                            .withLimits(quantities(init))
                            .endResources()
                            .build()));
        }
        mock.cluster.pods().inNamespace("tenant").resource(p).create();
    }

    private static Map<String, Quantity> quantities(Map<String, String> m) {
        Map<String, Quantity> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, new Quantity(v)));
        return out;
    }

    @Test
    void nodesOfferWhatIsAllocatableLessWhatUnfinishedPodsRequest() {
        node(
                "gpu-a",
                true,
                false,
                Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB", "nvidia.com/gpu.memory", "81920"),
                "4");
        node("cpu-b", true, false, Map.of(), "0");
        node("cordoned", true, true, Map.of(), "0");
        node("not-ready", false, false, Map.of(), "0");
        pod("train", "gpu-a", "Running", Map.of("cpu", "2", "memory", "4Gi", LeaseObjects.GPU_RESOURCE, "1"), Map.of());
        pod("starting", "gpu-a", "Pending", Map.of("cpu", "500m", "ephemeral-storage", "10Gi"), Map.of());
        pod("done", "gpu-a", "Succeeded", Map.of("cpu", "4", "memory", "16Gi"), Map.of());
        pod("unscheduled", null, "Pending", Map.of("cpu", "4"), Map.of());
        // An init container that asks for more than the containers counts as the pod's request.
        pod(
                "migrate",
                "cpu-b",
                "Running",
                Map.of("cpu", "100m", "memory", "1Gi"),
                Map.of("cpu", "1", "memory", "512Mi"));
        mock.cluster
                .storage()
                .v1()
                .storageClasses()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("ssd")
                        .endMetadata()
                        .withProvisioner("rancher.io/local-path")
                        .build())
                .create();

        ClusterInventory.Snapshot s = ClusterInventory.read(mock.runtimeClient(), Fixtures.SETTINGS);

        assertThat(s.persistentClasses()).containsExactly("beta2");
        assertThat(s.nodes()).extracting(Inventory.NodeSpec::name).containsExactly("gpu-a", "cpu-b");
        Inventory.NodeSpec a = s.nodes().get(0);
        assertThat(a.cpuMillis()).isEqualTo(7900 - 2000 - 500);
        assertThat(a.memoryBytes()).isEqualTo((32L << 30) - (4L << 30));
        assertThat(a.ephemeralBytes()).isEqualTo((100L << 30) - (10L << 30));
        GpuDevice a100 = new GpuDevice("nvidia", "a100", 80L << 30, "sxm");
        assertThat(a.gpus()).containsExactly(a100, a100, a100);
        assertThat(a.persistentClasses()).containsExactly("beta2");
        Inventory.NodeSpec b = s.nodes().get(1);
        assertThat(b.cpuMillis()).isEqualTo(7900 - 1000);
        assertThat(b.memoryBytes()).isEqualTo((32L << 30) - (1L << 30));
        assertThat(b.gpus()).isEmpty();
        assertThat(s.gpus().products()).containsOnlyKeys("NVIDIA-A100-SXM4-80GB");

        // The bid engine fits orders on it as on a declared inventory.
        Inventory inv = new Inventory(s.nodes(), Map.of("beta2", 1L << 40));
        assertThat(inv.capacity().gpus())
                .singleElement()
                .satisfies(g -> assertThat(g.amount().total()).isEqualTo(3));
    }

    @Test
    void gpuFeatureDiscoveryProductNamesReadAsAkashNamesGpus() {
        assertThat(GpuCatalog.device("NVIDIA-A100-SXM4-80GB", "81920"))
                .contains(new GpuDevice("nvidia", "a100", 80L << 30, "sxm"));
        assertThat(GpuCatalog.device("NVIDIA-A100-PCIE-40GB", null))
                .contains(new GpuDevice("nvidia", "a100", 40L << 30, "pcie"));
        assertThat(GpuCatalog.device("NVIDIA-H100-80GB-HBM3", "81559"))
                .contains(new GpuDevice("nvidia", "h100", 80L << 30, "pcie"));
        assertThat(GpuCatalog.device("NVIDIA-GeForce-RTX-4090", "24564"))
                .contains(new GpuDevice("nvidia", "rtx4090", 24L << 30, "pcie"));
        assertThat(GpuCatalog.device("Tesla-T4", "15360")).contains(new GpuDevice("nvidia", "t4", 15L << 30, "pcie"));
        // Without a size anywhere, or without a product, there is no device to offer.
        assertThat(GpuCatalog.device("NVIDIA-L4", null)).isEmpty();
        assertThat(GpuCatalog.device("", "1024")).isEmpty();
        assertThat(GpuCatalog.device("x".repeat(64), "1024")).isEmpty();
        assertThat(Fixtures.CATALOG.productsFor(List.of("vendor/nvidia/model/a100/ram/80Gi")))
                .containsExactly("NVIDIA-A100-SXM4-80GB");
        assertThat(Fixtures.CATALOG.productsFor(List.of("vendor/nvidia/model/a100")))
                .containsExactly("NVIDIA-A100-PCIE-40GB", "NVIDIA-A100-SXM4-80GB");
    }
}

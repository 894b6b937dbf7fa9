package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a cluster can still take, read from its API server for the bid engine: per schedulable, ready node its
 * allocatable CPU, memory, ephemeral storage and {@code nvidia.com/gpu} (of the model its GPU feature discovery
 * labels name, {@link GpuCatalog}) less what the pods bound to it request (those not yet ended), and the SDL storage
 * classes whose Kubernetes storage class exists.
 */
public final class ClusterInventory {
    private ClusterInventory() {}

    /** The cluster's nodes as the bid engine fits orders on them, and the persistent storage classes it offers. */
    public record Snapshot(List<Inventory.NodeSpec> nodes, Set<String> persistentClasses, GpuCatalog gpus) {
        public Snapshot {
            nodes = List.copyOf(nodes);
            persistentClasses = Set.copyOf(persistentClasses);
        }
    }

    /** Reads the nodes, pods and storage classes of the cluster. */
    public static Snapshot read(KubernetesClient client, KubernetesSettings settings) {
        Set<String> classes = persistentClasses(client, settings);
        Map<String, long[]> used = new LinkedHashMap<>();
        for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            String phase =
                    p.getStatus() == null ? "" : String.valueOf(p.getStatus().getPhase());
            if (node == null || phase.equals("Succeeded") || phase.equals("Failed")) {
                continue;
            }
            long[] r = requests(p);
            long[] u = used.computeIfAbsent(node, k -> new long[4]);
            for (int i = 0; i < 4; i++) {
                u[i] += r[i];
            }
        }
        List<Inventory.NodeSpec> nodes = new ArrayList<>();
        Map<String, GpuDevice> products = new TreeMap<>();
        for (Node n : client.nodes().list().getItems()) {
            if (!schedulable(n)) {
                continue;
            }
            Map<String, Quantity> a = n.getStatus().getAllocatable() == null
                    ? Map.of()
                    : n.getStatus().getAllocatable();
            long[] u = used.getOrDefault(n.getMetadata().getName(), new long[4]);
            long cpu = Math.max(0, millis(a.get("cpu")) - u[0]);
            long memory = Math.max(0, bytes(a.get("memory")) - u[1]);
            long ephemeral = Math.max(0, bytes(a.get("ephemeral-storage")) - u[2]);
            long gpuCount = Math.max(0, bytes(a.get(LeaseObjects.GPU_RESOURCE)) - u[3]);
            List<GpuDevice> gpus = new ArrayList<>();
            var device = device(n, settings);
            if (device.isPresent() && gpuCount > 0) {
                products.put(n.getMetadata().getLabels().get(settings.gpuProductLabel()), device.get());
                for (long i = 0; i < Math.min(gpuCount, 64); i++) {
                    gpus.add(device.get());
                }
            }
            nodes.add(new Inventory.NodeSpec(n.getMetadata().getName(), cpu, memory, ephemeral, gpus, classes));
        }
        return new Snapshot(nodes, classes, new GpuCatalog(products));
    }

    /** The GPU kinds of the cluster's nodes, by their product label (whether or not their GPUs are free). */
    public static GpuCatalog catalog(KubernetesClient client, KubernetesSettings settings) {
        Map<String, GpuDevice> products = new TreeMap<>();
        for (Node n :
                client.nodes().withLabel(settings.gpuProductLabel()).list().getItems()) {
            device(n, settings)
                    .ifPresent(d -> products.put(n.getMetadata().getLabels().get(settings.gpuProductLabel()), d));
        }
        return new GpuCatalog(products);
    }

    private static java.util.Optional<GpuDevice> device(Node n, KubernetesSettings settings) {
        Map<String, String> labels =
                n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
        return GpuCatalog.device(labels.get(settings.gpuProductLabel()), labels.get(settings.gpuMemoryLabel()));
    }

    /** The SDL storage classes whose Kubernetes storage class the cluster has. */
    static Set<String> persistentClasses(KubernetesClient client, KubernetesSettings settings) {
        Set<String> existing = new TreeSet<>();
        for (StorageClass c : client.storage().v1().storageClasses().list().getItems()) {
            existing.add(c.getMetadata().getName());
        }
        Set<String> out = new LinkedHashSet<>();
        if (settings.storageClasses().isEmpty()) {
            out.addAll(existing);
        } else {
            settings.storageClasses().forEach((sdl, k8s) -> {
                if (existing.contains(k8s)) {
                    out.add(sdl);
                }
            });
        }
        return out;
    }

    /** A node that takes new pods: ready, not cordoned. */
    private static boolean schedulable(Node n) {
        if (n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
            return false;
        }
        return n.getStatus() != null
                && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * What a pod requests, as the scheduler counts it: per resource the larger of its containers' sum and its
     * largest init container ({@code cpu} in millicores, memory and ephemeral storage in bytes, GPUs).
     */
    static long[] requests(Pod p) {
        long[] sum = new long[4];
        long[] init = new long[4];
        if (p.getSpec() == null) {
            return sum;
        }
        for (Container c : p.getSpec().getContainers()) {
            add(sum, c, false);
        }
        for (Container c : p.getSpec().getInitContainers() == null
                ? List.<Container>of()
                : p.getSpec().getInitContainers()) {
            add(init, c, true);
        }
        for (int i = 0; i < 4; i++) {
            sum[i] = Math.max(sum[i], init[i]);
        }
        return sum;
    }

    private static void add(long[] to, Container c, boolean max) {
        if (c.getResources() == null) {
            return;
        }
        Map<String, Quantity> r = c.getResources().getRequests() == null
                ? Map.of()
                : c.getResources().getRequests();
        // Kubernetes takes a limit without a request as the request.
        Map<String, Quantity> l = c.getResources().getLimits() == null
                ? Map.of()
                : c.getResources().getLimits();
        long[] v = {
            millis(r.getOrDefault("cpu", l.get("cpu"))),
            bytes(r.getOrDefault("memory", l.get("memory"))),
            bytes(r.getOrDefault("ephemeral-storage", l.get("ephemeral-storage"))),
            bytes(r.getOrDefault(LeaseObjects.GPU_RESOURCE, l.get(LeaseObjects.GPU_RESOURCE)))
        };
        for (int i = 0; i < 4; i++) {
            to[i] = max ? Math.max(to[i], v[i]) : to[i] + v[i];
        }
    }

    static long millis(Quantity q) {
        return q == null
                ? 0
                : q.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).longValue();
    }

    static long bytes(Quantity q) {
        return q == null ? 0 : q.getNumericalAmount().longValue();
    }
}

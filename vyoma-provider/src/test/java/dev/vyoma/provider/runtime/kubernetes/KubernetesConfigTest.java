package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.provider.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provider.yaml with {@code runtime: kubernetes}: the defaults, each setting, and the errors that name the field. */
class KubernetesConfigTest {
    private static final String CONFIG = """
            node: http://127.0.0.1:1317
            key: provider
            host: https://provider.example.com:8443
            ingressDomain: example.com
            runtime: kubernetes
            pricing: {denom: uusd, cpu: 10, memoryGi: 5}
            """;

    @TempDir
    Path dir;

    private ProviderConfig read(String extra) throws IOException {
        Path f = dir.resolve("provider.yaml");
        Files.writeString(f, CONFIG + extra);
        return ProviderConfig.read(f);
    }

    @Test
    void theNodesComeFromTheClusterAndEverySettingHasADefault() throws Exception {
        ProviderConfig c = read("");
        assertThat(c.runtime()).isEqualTo(ProviderConfig.Runtime.KUBERNETES);
        assertThat(c.inventorySource()).isEqualTo("cluster");
        assertThat(c.nodes()).isEmpty();
        assertThat(c.kubernetes()).isEqualTo(KubernetesSettings.defaults("example.com"));
        assertThat(c.kubernetes().storageClass("beta3")).contains("beta3");
    }

    @Test
    void everySettingIsRead() throws Exception {
        ProviderConfig c = read("""
                kubernetes:
                  kubeconfig: /etc/vyoma/kubeconfig
                  namespacePrefix: lease-
                  ingressClass: traefik
                  ingressDomain: apps.example.com
                  ingressNamespace: traefik
                  ingressPort: 8443
                  nodeAddress: 203.0.113.7
                  storageClasses: {beta2: local-path, beta3: nvme}
                  gpuLabels: {product: gpu.example.com/product, memory: gpu.example.com/memory}
                inventory:
                  persistentStorage: {beta2: 1Ti, beta3: 2Ti}
                """);
        assertThat(c.kubernetes())
                .isEqualTo(new KubernetesSettings(
                        Optional.of(Path.of("/etc/vyoma/kubeconfig")),
                        false,
                        "lease-",
                        "traefik",
                        "apps.example.com",
                        "traefik",
                        8443,
                        "203.0.113.7",
                        Map.of("beta2", "local-path", "beta3", "nvme"),
                        "gpu.example.com/product",
                        "gpu.example.com/memory"));
        assertThat(c.kubernetes().storageClass("beta1")).isEmpty();
        // Of the declared pools, those the cluster has a storage class for are offered.
        ProviderConfig withCluster = c.withClusterInventory(
                List.of(new dev.vyoma.provider.bid.Inventory.NodeSpec(
                        "n", 1000, 1L << 30, 1L << 30, List.of(), Set.of("beta3"))),
                Set.of("beta3"));
        assertThat(withCluster.persistentStorage()).containsOnlyKeys("beta3");
        assertThat(withCluster.nodes()).hasSize(1);
        assertThat(withCluster.publishedAttributes())
                .extracting(a -> a.key() + "=" + a.value())
                .contains("capabilities/storage/2/class=beta3");
    }

    @Test
    void mistakesNameTheFieldToFix() {
        assertThatThrownBy(() -> read("kubernetes: {namespacePrefix: Vyoma_}\n"))
                .hasMessageContaining("kubernetes.namespacePrefix must be a lowercase letter");
        assertThatThrownBy(() -> read("kubernetes: {namespacePrefix: " + "a".repeat(31) + "}\n"))
                .hasMessageContaining("kubernetes.namespacePrefix");
        assertThatThrownBy(() -> read("kubernetes: {kubeconfig: /k, inCluster: true}\n"))
                .hasMessageContaining("give kubeconfig or inCluster: true, not both");
        assertThatThrownBy(() -> read("kubernetes: {inCluster: yes please}\n"))
                .hasMessageContaining("kubernetes.inCluster is true or false");
        assertThatThrownBy(() -> read("kubernetes: {namespace: x}\n"))
                .hasMessageContaining("kubernetes.namespace is not a setting");
        assertThatThrownBy(() -> read("kubernetes: {ingressDomain: \"evil.com\\nx\"}\n"))
                .hasMessageContaining("kubernetes.ingressDomain must be a DNS name");
        assertThatThrownBy(() -> read("kubernetes: {ingressPort: 0}\n"))
                .hasMessageContaining("kubernetes.ingressPort must be 1 to 65535, got 0");
        assertThatThrownBy(() -> read("kubernetes: {ingressPort: \"80; x\"}\n"))
                .hasMessageContaining("kubernetes.ingressPort must be a port number");
        assertThatThrownBy(() -> read("kubernetes: {nodeAddress: \"a b\"}\n"))
                .hasMessageContaining("kubernetes.nodeAddress must be a DNS name");
        assertThatThrownBy(() -> read("kubernetes: {storageClasses: {ram: fast}}\n"))
                .hasMessageContaining("ram volumes are memory");
        assertThatThrownBy(() -> read("kubernetes: {gpuLabels: {product: \"bad key!\"}}\n"))
                .hasMessageContaining("gpuLabels: bad key! is not a node label key");
        assertThatThrownBy(() -> read("inventory:\n  nodes:\n    - {name: n0, cpu: 8, memory: 16Gi, storage: 1Ti}\n"))
                .hasMessageContaining("with runtime: kubernetes the nodes are read from the cluster");
        assertThatThrownBy(
                        () -> ProviderConfig.read(
                                write(
                                        CONFIG.replace("runtime: kubernetes", "runtime: container")
                                                + "kubernetes: {}\ninventory:\n  nodes:\n    - {name: n0, cpu: 8, memory: 16Gi, storage: 1Ti}\n")))
                .hasMessageContaining("kubernetes settings are read only with runtime: kubernetes");
        assertThatThrownBy(() -> ProviderConfig.read(write(CONFIG.replace("runtime: kubernetes", "runtime: k8s"))))
                .hasMessageContaining("runtime must be process or container, got k8s (or kubernetes");
    }

    private Path write(String text) throws IOException {
        Path f = dir.resolve("other.yaml");
        Files.writeString(f, text);
        return f;
    }
}

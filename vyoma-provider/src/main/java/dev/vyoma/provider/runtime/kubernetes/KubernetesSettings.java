package dev.vyoma.provider.runtime.kubernetes;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code kubernetes:} block of provider.yaml: how the provider reaches the API server (a kubeconfig file, or the
 * service account of the pod it runs in), the prefix of the namespaces it creates, the ingress class and domain its
 * leases' port-80 services are published under, the namespace the ingress controller runs in (the only one besides
 * a lease's own that may reach its pods), which Kubernetes storage class backs each SDL storage class, and which node
 * labels name a node's GPUs (as NVIDIA's GPU feature discovery writes them).
 *
 * <pre>
 * kubernetes:
 *   kubeconfig: /etc/vyoma/kubeconfig     # or inCluster: true
 *   namespacePrefix: vyoma-               # default vyoma-
 *   ingressClass: nginx                   # default nginx
 *   ingressDomain: ingress.example.com    # default: ingress.<the provider's ingressDomain>, as its URIs name hosts
 *   ingressNamespace: ingress-nginx       # default ingress-nginx
 *   ingressPort: 80                       # the port the cluster's ingress serves leases' hosts on; default 80
 *   nodeAddress: nodes.example.com        # where tenants reach NodePorts; default the provider's ingressDomain
 *   storageClasses: {beta3: ssd-fast}     # SDL class: Kubernetes storage class; default each SDL class as named
 *   gpuLabels: {product: nvidia.com/gpu.product, memory: nvidia.com/gpu.memory}
 * </pre>
 */
public record KubernetesSettings(
        Optional<Path> kubeconfig,
        boolean inCluster,
        String namespacePrefix,
        String ingressClass,
        String ingressDomain,
        String ingressNamespace,
        int ingressPort,
        String nodeAddress,
        Map<String, String> storageClasses,
        String gpuProductLabel,
        String gpuMemoryLabel) {
    public static final String DEFAULT_PREFIX = "vyoma-";
    public static final String DEFAULT_INGRESS_CLASS = "nginx";
    public static final String DEFAULT_INGRESS_NAMESPACE = "ingress-nginx";
    public static final int DEFAULT_INGRESS_PORT = 80;
    public static final String DEFAULT_GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";
    public static final String DEFAULT_GPU_MEMORY_LABEL = "nvidia.com/gpu.memory";
    /** A prefix leaves room in the 63 characters of a namespace name for the lease's 24-character key. */
    public static final int MAX_PREFIX_CHARS = 30;

    private static final Pattern PREFIX = Pattern.compile("[a-z]([-a-z0-9]{0,29})?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?"
                    + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    public KubernetesSettings {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        if (!PREFIX.matcher(namespacePrefix).matches()) {
            throw new IllegalArgumentException("namespacePrefix must be a lowercase letter, then up to "
                    + (MAX_PREFIX_CHARS - 1) + " lowercase letters, digits and -, got " + namespacePrefix);
        }
        subdomain("ingressClass", ingressClass, 253);
        subdomain("ingressDomain", ingressDomain, 200);
        if (!LABEL.matcher(ingressNamespace).matches()) {
            throw new IllegalArgumentException(
                    "ingressNamespace must be a namespace name (DNS-1123 label), got " + ingressNamespace);
        }
        if (ingressPort < 1 || ingressPort > 65535) {
            throw new IllegalArgumentException("ingressPort must be 1 to 65535, got " + ingressPort);
        }
        subdomain("nodeAddress", nodeAddress, 253);
        Map<String, String> classes = new TreeMap<>();
        storageClasses.forEach((sdl, k8s) -> {
            subdomain("storageClasses." + sdl, k8s, 253);
            if (sdl.equals("ram")) {
                throw new IllegalArgumentException("storageClasses: ram volumes are memory, not a storage class");
            }
            classes.put(sdl, k8s);
        });
        storageClasses = java.util.Collections.unmodifiableMap(classes);
        for (String key : List.of(gpuProductLabel, gpuMemoryLabel)) {
            if (key.length() > 316 || !LABEL_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("gpuLabels: " + key + " is not a node label key");
            }
        }
    }

    /**
     * The defaults for a provider whose {@code ingressDomain} is {@code providerDomain}, reaching the cluster as
     * kubectl does (KUBECONFIG, then ~/.kube/config).
     */
    public static KubernetesSettings defaults(String providerDomain) {
        return new KubernetesSettings(
                Optional.empty(),
                false,
                DEFAULT_PREFIX,
                DEFAULT_INGRESS_CLASS,
                "ingress." + providerDomain,
                DEFAULT_INGRESS_NAMESPACE,
                DEFAULT_INGRESS_PORT,
                providerDomain,
                Map.of(),
                DEFAULT_GPU_PRODUCT_LABEL,
                DEFAULT_GPU_MEMORY_LABEL);
    }

    /** The Kubernetes storage class for SDL storage class {@code sdlClass}: the configured one, else its own name. */
    public Optional<String> storageClass(String sdlClass) {
        if (storageClasses.isEmpty()) {
            return SUBDOMAIN.matcher(sdlClass).matches() && sdlClass.length() <= 253
                    ? Optional.of(sdlClass)
                    : Optional.empty();
        }
        return Optional.ofNullable(storageClasses.get(sdlClass));
    }

    /**
     * Reads the {@code kubernetes:} block ({@code block} may be null: all defaults); {@code where} prefixes every
     * error, which names the field to fix.
     */
    public static KubernetesSettings parse(Object block, String where, String providerIngressDomain) {
        if (block == null) {
            return defaults(providerIngressDomain);
        }
        if (!(block instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": kubernetes must be a mapping");
        }
        for (Object k : m.keySet()) {
            if (!List.of(
                            "kubeconfig",
                            "inCluster",
                            "namespacePrefix",
                            "ingressClass",
                            "ingressDomain",
                            "ingressNamespace",
                            "ingressPort",
                            "nodeAddress",
                            "storageClasses",
                            "gpuLabels")
                    .contains(String.valueOf(k))) {
                throw new IllegalArgumentException(where + ": kubernetes." + k + " is not a setting (known: kubeconfig,"
                        + " inCluster, namespacePrefix, ingressClass, ingressDomain, ingressNamespace,"
                        + " ingressPort, nodeAddress, storageClasses, gpuLabels)");
            }
        }
        Object inCluster = m.get("inCluster");
        if (inCluster != null && !(inCluster instanceof Boolean)) {
            throw new IllegalArgumentException(where + ": kubernetes.inCluster is true or false, got " + inCluster);
        }
        Optional<Path> kubeconfig = Optional.ofNullable(m.get("kubeconfig")).map(k -> Path.of(String.valueOf(k)));
        if (kubeconfig.isPresent() && Boolean.TRUE.equals(inCluster)) {
            throw new IllegalArgumentException(where + ": kubernetes: give kubeconfig or inCluster: true, not both");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        map(where, m, "storageClasses").forEach((k, v) -> classes.put(k, String.valueOf(v)));
        Map<String, Object> gpu = map(where, m, "gpuLabels");
        for (String k : gpu.keySet()) {
            if (!List.of("product", "memory").contains(k)) {
                throw new IllegalArgumentException(
                        where + ": kubernetes.gpuLabels." + k + " is not a setting (known: product, memory)");
            }
        }
        try {
            return new KubernetesSettings(
                    kubeconfig,
                    Boolean.TRUE.equals(inCluster),
                    text(m, "namespacePrefix", DEFAULT_PREFIX),
                    text(m, "ingressClass", DEFAULT_INGRESS_CLASS),
                    text(m, "ingressDomain", "ingress." + providerIngressDomain),
                    text(m, "ingressNamespace", DEFAULT_INGRESS_NAMESPACE),
                    port(where, m.get("ingressPort")),
                    text(m, "nodeAddress", providerIngressDomain),
                    classes,
                    String.valueOf(gpu.getOrDefault("product", DEFAULT_GPU_PRODUCT_LABEL)),
                    String.valueOf(gpu.getOrDefault("memory", DEFAULT_GPU_MEMORY_LABEL)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": kubernetes." + e.getMessage());
        }
    }

    private static int port(String where, Object v) {
        if (v == null) {
            return DEFAULT_INGRESS_PORT;
        }
        if (!(v instanceof Integer i)) {
            throw new IllegalArgumentException(where + ": kubernetes.ingressPort must be a port number, got " + v);
        }
        return i;
    }

    private static String text(Map<?, ?> m, String key, String otherwise) {
        Object v = m.get(key);
        return v == null ? otherwise : String.valueOf(v);
    }

    private static Map<String, Object> map(String where, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> c)) {
            throw new IllegalArgumentException(where + ": kubernetes." + key + " must be a mapping");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        c.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    private static void subdomain(String field, String value, int max) {
        if (value.length() > max || !SUBDOMAIN.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a DNS name of lowercase letters, digits, - and ., at"
                    + " most " + max + " characters, got " + value);
        }
    }
}

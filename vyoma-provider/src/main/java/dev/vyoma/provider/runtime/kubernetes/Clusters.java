package dev.vyoma.provider.runtime.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The client of the cluster the settings name: from a kubeconfig file, from the service account of the pod the
 * provider runs in ({@code inCluster: true}), or found as kubectl finds it ({@code KUBECONFIG}, then
 * {@code ~/.kube/config}, then the pod's account).
 */
final class Clusters {
    private Clusters() {}

    static KubernetesClient client(KubernetesSettings settings) throws IOException {
        Config config;
        if (settings.kubeconfig().isPresent()) {
            var file = settings.kubeconfig().get();
            if (!Files.isReadable(file)) {
                throw new IOException("kubernetes.kubeconfig " + file + " cannot be read");
            }
            config = Config.fromKubeconfig(null, file.toFile());
        } else if (settings.inCluster()) {
            if (!Files.isReadable(java.nio.file.Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH))) {
                throw new IOException("kubernetes.inCluster is true but " + Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH
                        + " does not exist: the provider does not run in a pod with a service account");
            }
            String host = System.getenv("KUBERNETES_SERVICE_HOST");
            String port = System.getenv("KUBERNETES_SERVICE_PORT");
            if (host == null || port == null) {
                throw new IOException("kubernetes.inCluster is true but KUBERNETES_SERVICE_HOST and"
                        + " KUBERNETES_SERVICE_PORT are not set: the provider does not run in a pod");
            }
            var token = java.nio.file.Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
            config = new ConfigBuilder(Config.empty())
                    .withMasterUrl("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port)
                    .withCaCertFile(Config.KUBERNETES_SERVICE_ACCOUNT_CA_CRT_PATH)
                    // The kubelet rotates the token in the file: read it for each request.
                    .withOauthTokenProvider(() -> {
                        try {
                            return Files.readString(token).strip();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .build();
        } else {
            config = Config.autoConfigure(null);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}

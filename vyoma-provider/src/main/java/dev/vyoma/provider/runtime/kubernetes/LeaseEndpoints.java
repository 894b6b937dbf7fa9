package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a lease on the cluster is reached: each service with a global port 80 at {@code <id>.<ingressDomain>} on the
 * cluster ingress's port (left out of the URI when it is 80), and each other global port at the node address on the
 * NodePort the cluster assigned to it, read back from the service's NodePort Service.
 */
final class LeaseEndpoints {
    private LeaseEndpoints() {}

    /** The endpoints of {@code lease}, running {@code group} in namespace {@code ns}. */
    static WorkloadRuntime.Endpoints read(
            KubernetesClient client, String ns, String lease, ManifestGroup group, KubernetesSettings settings) {
        Set<String> uris = new LinkedHashSet<>();
        List<WorkloadRuntime.PublishedPort> ports = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        String port = settings.ingressPort() == 80 ? "" : ":" + settings.ingressPort();
        for (ManifestService s : group.services()) {
            List<ServicePort> published = null;
            for (ServiceExpose e : s.expose()) {
                if (!e.global()) {
                    continue;
                }
                if (e.isIngress()) {
                    uris.add(IngressId.of(lease, s.name()) + "." + settings.ingressDomain() + port);
                    continue;
                }
                if (published == null) {
                    Service np = client.services()
                            .inNamespace(ns)
                            .withName(Names.object(s.name()) + "-np")
                            .get();
                    published =
                            np == null || np.getSpec() == null || np.getSpec().getPorts() == null
                                    ? List.of()
                                    : np.getSpec().getPorts();
                }
                String proto = e.proto() == Protocol.UDP ? "UDP" : "TCP";
                Integer nodePort = published.stream()
                        .filter(p -> p.getPort() != null
                                && p.getPort() == e.effectiveExternalPort()
                                && proto.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                        .map(ServicePort::getNodePort)
                        .filter(n -> n != null && n > 0 && n <= 65535)
                        .findFirst()
                        .orElse(null);
                if (nodePort == null) {
                    waiting.add(s.name() + " port " + e.port() + "/" + proto);
                } else {
                    ports.add(new WorkloadRuntime.PublishedPort(
                            s.name(), e.port(), settings.nodeAddress(), nodePort, proto));
                }
            }
        }
        return new WorkloadRuntime.Endpoints(
                List.copyOf(uris),
                ports,
                waiting.isEmpty() ? "" : "the cluster has assigned no NodePort yet to: " + String.join(", ", waiting));
    }
}

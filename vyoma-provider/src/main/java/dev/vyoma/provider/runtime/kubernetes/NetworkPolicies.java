package dev.vyoma.provider.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a lease's pods may reach and be reached by. In: from pods of their own namespace and from the ingress
 * controller's namespace, and on the ports of a NodePort Service from anywhere (those are the tenant's public
 * ports). Out: to their own namespace, to the cluster's DNS in {@code kube-system}, and to the internet but not to
 * private, link-local (cloud metadata) or carrier-grade NAT addresses, where the cluster's nodes and other tenants
 * live.
 */
final class NetworkPolicies {
    static final String LEASE_POLICY = "vyoma-lease";
    static final List<String> PRIVATE_RANGES =
            List.of("10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16");
    private static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private NetworkPolicies() {}

    static NetworkPolicy lease(String ns, Map<String, String> labels, String ingressNamespace) {
        return new NetworkPolicyBuilder()
                .withMetadata(LeaseObjects.meta(ns, LEASE_POLICY, labels))
                .withNewSpec()
                .withNewPodSelector()
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .addNewIngress()
                .withFrom(
                        new NetworkPolicyPeerBuilder()
                                .withNewPodSelector()
                                .endPodSelector()
                                .build(),
                        new NetworkPolicyPeerBuilder()
                                .withNewNamespaceSelector()
                                .withMatchLabels(Map.of(NAMESPACE_NAME, ingressNamespace))
                                .endNamespaceSelector()
                                .build())
                .endIngress()
                .addNewEgress()
                .withTo(new NetworkPolicyPeerBuilder()
                        .withNewPodSelector()
                        .endPodSelector()
                        .build())
                .endEgress()
                .addNewEgress()
                .withTo(new NetworkPolicyPeerBuilder()
                        .withNewNamespaceSelector()
                        .withMatchLabels(Map.of(NAMESPACE_NAME, "kube-system"))
                        .endNamespaceSelector()
                        .build())
                .withPorts(
                        new NetworkPolicyPortBuilder()
                                .withProtocol("UDP")
                                .withPort(new IntOrString(53))
                                .build(),
                        new NetworkPolicyPortBuilder()
                                .withProtocol("TCP")
                                .withPort(new IntOrString(53))
                                .build())
                .endEgress()
                .addNewEgress()
                .withTo(new NetworkPolicyPeerBuilder()
                        .withNewIpBlock()
                        .withCidr("0.0.0.0/0")
                        .withExcept(PRIVATE_RANGES)
                        .endIpBlock()
                        .build())
                .endEgress()
                .endSpec()
                .build();
    }

    /** The service's pods may be reached from anywhere on the container ports its NodePort Service publishes. */
    static NetworkPolicy nodePorts(String ns, String name, Map<String, String> labels, Collection<ServicePort> ports) {
        return new NetworkPolicyBuilder()
                .withMetadata(LeaseObjects.meta(ns, name + "-np", labels))
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(Map.of(Names.SERVICE, name))
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .withFrom(new NetworkPolicyPeerBuilder()
                        .withNewIpBlock()
                        .withCidr("0.0.0.0/0")
                        .endIpBlock()
                        .build())
                .withPorts(ports.stream()
                        .map(p -> new NetworkPolicyPortBuilder()
                                .withProtocol(p.getProtocol())
                                .withPort(p.getTargetPort())
                                .build())
                        .toList())
                .endIngress()
                .endSpec()
                .build();
    }
}

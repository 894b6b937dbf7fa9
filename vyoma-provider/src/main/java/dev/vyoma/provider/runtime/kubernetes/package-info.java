/**
 * The Kubernetes runtime: a provider with many machines runs each lease on its cluster, as Akash's provider does.
 * {@link dev.vyoma.provider.runtime.kubernetes.LeaseObjects} turns a lease's manifest group into the objects of one
 * namespace (Deployments or StatefulSets, Services, an Ingress, NetworkPolicies, a pull secret), every name and
 * value checked first ({@link dev.vyoma.provider.runtime.kubernetes.ManifestChecks}); {@link
 * dev.vyoma.provider.runtime.kubernetes.KubernetesRuntime} applies them through the API server with the fabric8
 * client and reads status, logs and shells back; {@link dev.vyoma.provider.runtime.kubernetes.ClusterInventory}
 * reads what the cluster's nodes can still take, for the bid engine.
 */
package dev.vyoma.provider.runtime.kubernetes;

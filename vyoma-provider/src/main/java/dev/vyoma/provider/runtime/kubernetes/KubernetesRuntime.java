package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.Shell;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import dev.vyoma.sdl.manifest.ManifestService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs each lease in a namespace of a Kubernetes cluster, through its API server: a deploy applies the objects
 * {@link LeaseObjects} builds (created, or replaced where they exist, so an update rolls out through the
 * Deployments' and StatefulSets' own rolling strategy) and removes those the new manifest no longer has; the manifest
 * group is kept in a secret of the namespace, so that a restarted provider takes its leases back by their labels
 * ({@link #adopt}). Status, restarts and {@code OOMKilled} come from the pods' status ({@link PodReports}), logs and
 * shells from the API server ({@link PodLogs}, {@link PodShell}). The cluster holds the state; this object holds only
 * the reasons manifests were refused and the groups it read. Thread-safe.
 */
public final class KubernetesRuntime implements WorkloadRuntime, AutoCloseable {
    /** The object kinds a lease's namespace holds besides pods, in the order they are removed when stale. */
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(
            io.fabric8.kubernetes.api.model.networking.v1.Ingress.class,
            Deployment.class,
            StatefulSet.class,
            io.fabric8.kubernetes.api.model.Service.class,
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class,
            Secret.class);

    private static final String STOPPED_ANNOTATION = Names.DOMAIN + "stopped";

    private final KubernetesClient client;
    private final String provider;
    private final KubernetesSettings settings;
    private final Map<String, String> refused = new LinkedHashMap<>();
    private final Map<String, ManifestGroup> groups = new LinkedHashMap<>();

    /**
     * Runs the leases of provider {@code provider} (its address) on the cluster {@code client} reaches (closed with
     * this), as {@code settings} say.
     */
    public KubernetesRuntime(KubernetesClient client, String provider, KubernetesSettings settings) {
        if (!provider.matches("[a-z0-9]{1,63}")) {
            throw new IllegalArgumentException(
                    "provider " + provider + " must be 1 to 63 lowercase letters and digits");
        }
        this.client = client;
        this.provider = provider;
        this.settings = settings;
    }

    /** The runtime of {@code provider} on the cluster {@code settings} name (a kubeconfig, or the pod's own account). */
    public static KubernetesRuntime connect(KubernetesSettings settings, String provider) throws IOException {
        return new KubernetesRuntime(Clusters.client(settings), provider, settings);
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public LeaseStatus deploy(String lease, ManifestGroup group) throws IOException {
        return deploy(lease, group, QUIET);
    }

    /**
     * Applies the lease's objects and returns at once: the Deployments replace their pods one at a time (a new one
     * ready before an old one stops), and the status says {@code updating} until they are done. The cluster's ingress
     * routes to the new pods as they become ready, so the cutover is immediate.
     */
    @Override
    public LeaseStatus deploy(String lease, ManifestGroup group, Rollout rollout) throws IOException {
        String applied;
        try {
            applied = apply(lease, group);
        } catch (Refused e) {
            synchronized (this) {
                refused.put(lease, e.getMessage());
            }
            rollout.event("manifest refused: " + e.getMessage());
            return status(lease);
        }
        if (!applied.isEmpty()) {
            rollout.event(applied);
        }
        rollout.cutover();
        return status(lease);
    }

    /** Applies the objects of {@code group} for the lease; returns what was done (empty: nothing to do). */
    private synchronized String apply(String lease, ManifestGroup group) throws Refused, IOException {
        boolean gpus =
                group.services().stream().anyMatch(s -> s.resources().gpu().units() > 0);
        GpuCatalog catalog = gpus
                ? api("reading the nodes' GPUs", () -> ClusterInventory.catalog(client, settings))
                : GpuCatalog.EMPTY;
        LeaseObjects.Built built = LeaseObjects.build(lease, group, settings, catalog);
        if (!provider.equals(Names.lease(lease).provider())) {
            throw new Refused("lease " + lease + " is not a lease of provider " + provider);
        }
        return api("lease " + lease, () -> {
            Namespace before = client.namespaces().withName(built.namespace()).get();
            String was = annotation(before, Names.VERSION_ANNOTATION);
            boolean stopped = before != null && "true".equals(annotation(before, STOPPED_ANNOTATION));
            if (was.equals(built.version()) && !stopped && before.getMetadata().getDeletionTimestamp() == null) {
                refused.remove(lease);
                groups.put(lease, group);
                return "";
            }
            Namespace ns = (Namespace) built.objects().get(0);
            if (!was.isEmpty() && !was.equals(built.version())) {
                ns.getMetadata().getAnnotations().put(Names.PREVIOUS_ANNOTATION, was);
            }
            client.resource(ns).createOr(NonDeletingOperation::update);
            Set<String> wanted = new LinkedHashSet<>();
            for (HasMetadata o : built.objects().subList(1, built.objects().size())) {
                client.resource(o).createOr(NonDeletingOperation::update);
                wanted.add(o.getKind() + "/" + o.getMetadata().getName());
            }
            client.resource(manifestSecret(built.namespace(), lease, group)).createOr(NonDeletingOperation::update);
            wanted.add("Secret/" + Names.MANIFEST_SECRET);
            int removed = removeStale(built.namespace(), wanted);
            refused.remove(lease);
            groups.put(lease, group);
            return (was.isEmpty() ? "manifest applied" : "manifest updated; rolling out") + " in namespace "
                    + built.namespace() + ": " + (built.objects().size() - 1) + " objects"
                    + (removed == 0 ? "" : ", " + removed + " no longer wanted removed");
        });
    }

    /** Deletes the lease's objects of {@link #KINDS} that are not in {@code wanted} ({@code Kind/name}). */
    private int removeStale(String ns, Set<String> wanted) {
        int removed = 0;
        for (Class<? extends HasMetadata> kind : KINDS) {
            for (HasMetadata o : client.resources(kind)
                    .inNamespace(ns)
                    .withLabel(Names.MANAGED_BY, Names.MANAGER)
                    .list()
                    .getItems()) {
                if (!wanted.contains(o.getKind() + "/" + o.getMetadata().getName())) {
                    client.resource(o).delete();
                    removed++;
                }
            }
        }
        return removed;
    }

    private Secret manifestSecret(String ns, String lease, ManifestGroup group) throws Refused {
        byte[] json = JsonWriter.compact(AkashJson.manifest(new Manifest(List.of(group))))
                .getBytes(StandardCharsets.UTF_8);
        if (json.length > 900 * 1024) {
            throw new Refused("the manifest is over 900 KiB, more than a Kubernetes secret keeps");
        }
        return new SecretBuilder()
                .withMetadata(LeaseObjects.meta(ns, Names.MANIFEST_SECRET, Names.leaseLabels(Names.lease(lease))))
                .withType("Opaque")
                .withData(Map.of(Names.MANIFEST_KEY, Base64.getEncoder().encodeToString(json)))
                .build();
    }

    @Override
    public synchronized LeaseStatus status(String lease) {
        String problem = refused.getOrDefault(lease, "");
        Optional<ManifestGroup> group = manifest(lease);
        Namespace ns;
        try {
            ns = client.namespaces().withName(namespace(lease)).get();
        } catch (KubernetesClientException | Refused e) {
            return new LeaseStatus(
                    lease, 0, 0, List.of(), join(problem, "the cluster cannot be read: " + oneLine(e)), "");
        }
        if (ns == null || group.isEmpty() || ns.getMetadata().getDeletionTimestamp() != null) {
            return new LeaseStatus(lease, 0, 0, List.of(), problem, "");
        }
        String name = ns.getMetadata().getName();
        int total = 0;
        int ready = 0;
        boolean rolling = false;
        try {
            for (Deployment d :
                    client.apps().deployments().inNamespace(name).list().getItems()) {
                total += d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                var s = d.getStatus();
                ready += s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
                rolling |= s == null
                        || s.getObservedGeneration() == null
                        || s.getObservedGeneration() < generation(d)
                        || !java.util.Objects.equals(d.getSpec().getReplicas(), s.getUpdatedReplicas())
                        || !java.util.Objects.equals(s.getReplicas(), s.getUpdatedReplicas());
            }
            for (StatefulSet d :
                    client.apps().statefulSets().inNamespace(name).list().getItems()) {
                total += d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                var s = d.getStatus();
                ready += s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
                rolling |= s == null
                        || s.getObservedGeneration() == null
                        || s.getObservedGeneration() < generation(d)
                        || !java.util.Objects.equals(s.getCurrentRevision(), s.getUpdateRevision());
            }
            List<PodReports.PodReplica> pods = PodReports.replicas(pods(name), services(group.get()));
            List<String> problems = new ArrayList<>(List.of(problem));
            pods.forEach(p -> problems.add(p.problem()));
            String version = annotation(ns, Names.VERSION_ANNOTATION);
            String previous = annotation(ns, Names.PREVIOUS_ANNOTATION);
            boolean updating = rolling && !previous.isEmpty();
            return new LeaseStatus(
                    lease,
                    Math.min(ready, total),
                    total,
                    PodReports.ready(pods),
                    String.join(
                            "; ", problems.stream().filter(p -> !p.isEmpty()).toList()),
                    updating ? previous : version,
                    updating ? version : "");
        } catch (KubernetesClientException e) {
            return new LeaseStatus(
                    lease, 0, 0, List.of(), join(problem, "the cluster cannot be read: " + oneLine(e)), "");
        }
    }

    /**
     * The lease's hosts on the cluster's ingress and the NodePorts the cluster assigned to its other global ports
     * ({@link LeaseEndpoints}); the provider routes nothing itself.
     */
    @Override
    public synchronized Optional<Endpoints> endpoints(String lease) {
        Optional<ManifestGroup> group = manifest(lease);
        if (group.isEmpty()) {
            return Optional.of(new Endpoints(List.of(), List.of(), ""));
        }
        try {
            return Optional.of(LeaseEndpoints.read(client, namespace(lease), lease, group.get(), settings));
        } catch (KubernetesClientException | Refused e) {
            return Optional.of(new Endpoints(List.of(), List.of(), "its ports cannot be read: " + oneLine(e)));
        }
    }

    /** The lease's pods, with their status, as the kubelet reports it. */
    List<Pod> pods(String ns) {
        return client.pods()
                .inNamespace(ns)
                .withLabel(Names.MANAGED_BY, Names.MANAGER)
                .list()
                .getItems();
    }

    /** Object name to SDL name of each service of {@code group}. */
    static Map<String, String> services(ManifestGroup group) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ManifestService s : group.services()) {
            out.put(Names.object(s.name()), s.name());
        }
        return out;
    }

    /** The replicas of the lease's pods, numbered as {@link #status} numbers them. */
    synchronized List<PodReports.PodReplica> replicas(String lease) {
        Optional<ManifestGroup> group = manifest(lease);
        if (group.isEmpty()) {
            return List.of();
        }
        try {
            return PodReports.replicas(pods(namespace(lease)), services(group.get()));
        } catch (Refused e) {
            return List.of();
        }
    }

    /**
     * What Kubernetes said about the lease's objects (scheduling, pulls, kills), oldest first, at most {@code max}
     * ({@link ClusterEvents}).
     */
    @Override
    public List<Event> events(String lease, int max) throws IOException {
        String ns;
        try {
            ns = namespace(lease);
        } catch (Refused e) {
            return List.of();
        }
        return api("lease " + lease + ": reading its events", () -> ClusterEvents.read(client, ns, max));
    }

    @Override
    public synchronized void teardown(String lease) throws IOException {
        refused.remove(lease);
        groups.remove(lease);
        String ns;
        try {
            ns = namespace(lease);
        } catch (Refused e) {
            return;
        }
        api(
                "tearing down lease " + lease,
                () -> client.namespaces().withName(ns).delete());
    }

    /** The namespaces of this provider's leases (not being deleted), by lease id. */
    private Map<String, Namespace> namespaces() {
        Map<String, Namespace> out = new TreeMap<>();
        for (Namespace ns : client.namespaces()
                .withLabel(Names.MANAGED_BY, Names.MANAGER)
                .withLabel(Names.PROVIDER, provider)
                .list()
                .getItems()) {
            String lease = annotation(ns, Names.LEASE_ANNOTATION);
            try {
                // Only a namespace named as this provider names the lease's is taken as the lease's.
                if (ns.getMetadata().getDeletionTimestamp() == null
                        && provider.equals(Names.lease(lease).provider())
                        && ns.getMetadata().getName().equals(namespace(lease))) {
                    out.put(lease, ns);
                }
            } catch (Refused e) {
                // Not a lease id: not one of ours.
            }
        }
        return out;
    }

    /**
     * Takes back the leases whose namespaces still exist: those whose workloads run are running, those that
     * {@link #stopAll} stopped are reported with their manifest group, to be deployed again.
     */
    @Override
    public synchronized Found adopt() throws IOException {
        return api("adopting leases", () -> {
            Set<String> running = new LinkedHashSet<>();
            Map<String, ManifestGroup> stopped = new LinkedHashMap<>();
            for (Map.Entry<String, Namespace> e : namespaces().entrySet()) {
                Optional<ManifestGroup> g = manifest(e.getKey());
                if ("true".equals(annotation(e.getValue(), STOPPED_ANNOTATION)) && g.isPresent()) {
                    stopped.put(e.getKey(), g.get());
                } else {
                    running.add(e.getKey());
                }
            }
            return new Found(running, stopped);
        });
    }

    /** Scales every lease's workloads to zero, keeping their namespaces and manifests for the next {@link #adopt}. */
    @Override
    public synchronized void stopAll() throws IOException {
        api("stopping every lease", () -> {
            for (Namespace ns : namespaces().values()) {
                String name = ns.getMetadata().getName();
                client.namespaces().withName(name).edit(n -> {
                    n.getMetadata().getAnnotations().put(STOPPED_ANNOTATION, "true");
                    return n;
                });
                toZero(
                        client.apps().deployments().inNamespace(name),
                        d -> d.getSpec().setReplicas(0));
                toZero(
                        client.apps().statefulSets().inNamespace(name),
                        d -> d.getSpec().setReplicas(0));
            }
            return null;
        });
    }

    /** Sets every workload of {@code workloads} to zero replicas, one edit each. */
    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> void toZero(
            io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                            T,
                            ? extends io.fabric8.kubernetes.api.model.KubernetesResourceList<T>,
                            ? extends io.fabric8.kubernetes.client.dsl.Resource<T>>
                    workloads,
            java.util.function.Consumer<T> zero) {
        for (T w : workloads.list().getItems()) {
            workloads.withName(w.getMetadata().getName()).edit(x -> {
                zero.accept(x);
                return x;
            });
        }
    }

    @Override
    public synchronized List<String> removeOrphans(Set<String> active) throws IOException {
        return api("removing ended leases", () -> {
            List<String> removed = new ArrayList<>();
            for (Map.Entry<String, Namespace> e : namespaces().entrySet()) {
                if (!active.contains(e.getKey())) {
                    client.resource(e.getValue()).delete();
                    groups.remove(e.getKey());
                    removed.add(e.getKey());
                }
            }
            return removed;
        });
    }

    /**
     * The group the lease runs, as the secret of its namespace (while that exists and is not being deleted) keeps it;
     * read once, then remembered until the lease is torn down.
     */
    @Override
    public synchronized Optional<ManifestGroup> manifest(String lease) {
        ManifestGroup known = groups.get(lease);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            Namespace ns = client.namespaces().withName(namespace(lease)).get();
            if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
                return Optional.empty();
            }
            Secret s = client.secrets()
                    .inNamespace(namespace(lease))
                    .withName(Names.MANIFEST_SECRET)
                    .get();
            if (s == null || s.getData() == null || !s.getData().containsKey(Names.MANIFEST_KEY)) {
                return Optional.empty();
            }
            List<ManifestGroup> read = ManifestReader.read(
                            Base64.getDecoder().decode(s.getData().get(Names.MANIFEST_KEY)))
                    .groups();
            if (read.size() != 1) {
                return Optional.empty();
            }
            groups.put(lease, read.get(0));
            return Optional.of(read.get(0));
        } catch (KubernetesClientException | Refused | InvalidManifestException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized Set<String> leases() {
        Set<String> out = new LinkedHashSet<>(refused.keySet());
        try {
            out.addAll(namespaces().keySet());
        } catch (KubernetesClientException e) {
            out.addAll(groups.keySet());
        }
        return Set.copyOf(out);
    }

    @Override
    public void logs(String lease, LogRequest request, Consumer<String> line, BooleanSupplier stop)
            throws IOException, InterruptedException {
        String ns;
        try {
            ns = namespace(lease);
        } catch (Refused e) {
            return;
        }
        List<PodReports.PodReplica> pods = replicas(lease).stream()
                .filter(r -> request.service().isEmpty() || request.service().equals(r.service()))
                .toList();
        try {
            PodLogs.write(client, ns, pods, request, line, stop, () -> !leases().contains(lease));
        } catch (KubernetesClientException e) {
            throw new IOException("lease " + lease + ": cannot read its logs: " + oneLine(e), e);
        }
    }

    @Override
    public Shell shell(String lease, Shell.Request request) throws Shell.Refused {
        List<PodReports.PodReplica> replicas = replicas(lease);
        PodReports.PodReplica target = PodShell.target(lease, replicas, request);
        try {
            return new PodShell(client, namespace(lease), target, request);
        } catch (Refused e) {
            throw new Shell.Refused(Shell.Refused.Reason.NO_SUCH_REPLICA, e.getMessage());
        }
    }

    private String namespace(String lease) throws Refused {
        Names.lease(lease);
        return Names.namespace(settings.namespacePrefix(), lease);
    }

    private static String annotation(HasMetadata o, String key) {
        if (o == null || o.getMetadata().getAnnotations() == null) {
            return "";
        }
        return o.getMetadata().getAnnotations().getOrDefault(key, "");
    }

    private static long generation(HasMetadata o) {
        return o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration();
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }

    static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse("").strip();
    }

    private interface ApiCall<T, E extends Exception> {
        T call() throws E;
    }

    /** Runs {@code call}; a failure of the API server (fabric8 throws unchecked) becomes one IOException line. */
    private static <T, E extends Exception> T api(String what, ApiCall<T, E> call) throws IOException, E {
        try {
            return call.call();
        } catch (KubernetesClientException e) {
            throw new IOException(what + ": the Kubernetes API failed: " + oneLine(e), e);
        }
    }

    private static final Rollout QUIET = new Rollout() {
        @Override
        public void event(String message) {}

        @Override
        public void cutover() {}
    };

    /** Closes the connection to the API server; the leases keep running for the next start to adopt. */
    @Override
    public void close() {
        client.close();
    }
}

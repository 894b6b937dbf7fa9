package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.IngressId;
import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A lease's manifest group as the objects Akash's provider makes of it, in one namespace per lease: per service a
 * Deployment (a StatefulSet with a volume claim template per persistent volume, where it mounts one), requests equal
 * to limits (CPU, memory with its {@code ram} volumes, ephemeral storage, {@code nvidia.com/gpu}), {@code ram} volumes
 * as memory-backed emptyDirs, node affinity to the nodes with a GPU of a kind the profile accepts, a Service for its
 * ports, an Ingress for its global port 80 ({@code <id>.<ingress domain>}, the id {@link IngressId#of}), a
 * NodePort Service for its other global ports, and the pull secret from its credentials; for the lease, the
 * {@link NetworkPolicies}. Pods get no service-account token, no service links, no privilege escalation and no
 * capabilities. Nothing here talks to a cluster: the same manifest always gives the same objects, in the same order.
 */
public final class LeaseObjects {
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    /** The namespace's Pod Security Admission level: no privileged pods, host namespaces, paths or added capabilities. */
    public static final String POD_SECURITY = "baseline";

    private LeaseObjects() {}

    /** What a lease runs: its namespace and the objects in it, in the order to create them. */
    public record Built(String namespace, String version, List<HasMetadata> objects) {
        public Built {
            objects = List.copyOf(objects);
        }
    }

    /** Builds the objects of {@code group} for {@code lease}, or refuses it with the reason. */
    public static Built build(String lease, ManifestGroup group, KubernetesSettings settings, GpuCatalog gpus)
            throws Refused {
        Names.LeaseId id = Names.lease(lease);
        if (group.services().isEmpty() || group.services().size() > ManifestChecks.MAX_SERVICES) {
            throw new Refused("a lease runs 1 to " + ManifestChecks.MAX_SERVICES + " services, this one "
                    + group.services().size());
        }
        String ns = Names.namespace(settings.namespacePrefix(), lease);
        String version = group.version().hex();
        Map<String, String> labels = Names.leaseLabels(id);
        List<HasMetadata> out = new ArrayList<>();
        Map<String, String> nsLabels = new TreeMap<>(labels);
        nsLabels.put(Names.VERSION, Names.versionLabel(version));
        nsLabels.put("pod-security.kubernetes.io/enforce", POD_SECURITY);
        out.add(new NamespaceBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(ns)
                        .withLabels(nsLabels)
                        .withAnnotations(new TreeMap<>(Map.of(
                                Names.LEASE_ANNOTATION, lease,
                                Names.VERSION_ANNOTATION, version)))
                        .build())
                .build());
        out.add(NetworkPolicies.lease(ns, labels, settings.ingressNamespace()));
        Set<String> names = new LinkedHashSet<>();
        for (ManifestService s : group.services()) {
            String name = Names.object(s.name());
            if (!names.add(name)) {
                throw new Refused("service " + Names.shown(s.name()) + " appears twice in the lease's group");
            }
            out.addAll(service(lease, ns, labels, s, name, settings, gpus));
        }
        return new Built(ns, version, out);
    }

    private static List<HasMetadata> service(
            String lease,
            String ns,
            Map<String, String> leaseLabels,
            ManifestService s,
            String name,
            KubernetesSettings settings,
            GpuCatalog gpus)
            throws Refused {
        String what = "service " + Names.shown(s.name()) + ": ";
        ManifestChecks.text(what, s.image(), s.command(), s.args(), s.env());
        if (s.count() < 1 || s.count() > ManifestChecks.MAX_REPLICAS_PER_SERVICE) {
            throw new Refused(what + "count must be 1 to " + ManifestChecks.MAX_REPLICAS_PER_SERVICE);
        }
        Map<String, String> labels = new TreeMap<>(leaseLabels);
        labels.put(Names.SERVICE, name);
        List<HasMetadata> out = new ArrayList<>();
        ManifestChecks.Auth auth = ManifestChecks.credentials(what, s.image(), s.credentials());
        List<LocalObjectReference> pullSecrets = new ArrayList<>();
        if (auth != null) {
            String secret = name + "-pull";
            out.add(pullSecret(ns, secret, labels, auth));
            pullSecrets.add(new LocalObjectReference(secret));
        }
        List<ServiceExpose> expose = s.expose();
        if (expose.size() > ManifestChecks.MAX_PORTS_PER_SERVICE) {
            throw new Refused(what + "exposes more than " + ManifestChecks.MAX_PORTS_PER_SERVICE + " ports");
        }
        Map<String, ServicePort> internal = new LinkedHashMap<>();
        Map<String, ServicePort> nodePorts = new LinkedHashMap<>();
        Map<String, ContainerPort> containerPorts = new LinkedHashMap<>();
        ServiceExpose web = null;
        for (ServiceExpose e : expose) {
            if (e.port() < 1
                    || e.port() > 65535
                    || e.effectiveExternalPort() < 1
                    || e.effectiveExternalPort() > 65535) {
                throw new Refused(what + "ports must be 1 to 65535, got " + e.port() + " as " + e.externalPort());
            }
            String proto = e.proto() == Protocol.UDP ? "UDP" : "TCP";
            String portName = portName(e.port(), proto);
            containerPorts.putIfAbsent(
                    portName,
                    new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                            .withName(portName)
                            .withContainerPort(e.port())
                            .withProtocol(proto)
                            .build());
            ServicePort sp = new ServicePortBuilder()
                    .withName(portName(e.effectiveExternalPort(), proto))
                    .withPort(e.effectiveExternalPort())
                    .withTargetPort(new IntOrString(e.port()))
                    .withProtocol(proto)
                    .build();
            ServicePort before = internal.putIfAbsent(sp.getName(), sp);
            if (before != null && !before.getTargetPort().equals(sp.getTargetPort())) {
                throw new Refused(what + "exposes two container ports as " + e.effectiveExternalPort() + "/" + proto);
            }
            if (e.isIngress()) {
                web = web == null ? e : web;
            } else if (e.global()) {
                nodePorts.putIfAbsent(sp.getName(), sp);
            }
        }
        Workload w = workload(what, s, settings, gpus);
        PodSpec pod = new PodSpecBuilder()
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withImagePullSecrets(pullSecrets)
                .withSecurityContext(Security.pod())
                .withAffinity(w.affinity())
                .withTolerations(w.tolerations())
                .withContainers(container(s, name, w, List.copyOf(containerPorts.values())))
                .withVolumes(w.volumes())
                .build();
        PodTemplateSpec template = new PodTemplateSpec(meta(null, null, labels), pod);
        Map<String, String> selector = Map.of(Names.SERVICE, name);
        if (!internal.isEmpty()) {
            out.add(new ServiceBuilder()
                    .withMetadata(meta(ns, name, labels))
                    .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selector)
                    .withPorts(List.copyOf(internal.values()))
                    .endSpec()
                    .build());
        }
        if (!nodePorts.isEmpty()) {
            out.add(new ServiceBuilder()
                    .withMetadata(meta(ns, name + "-np", labels))
                    .withNewSpec()
                    .withType("NodePort")
                    .withExternalTrafficPolicy("Local")
                    .withSelector(selector)
                    .withPorts(List.copyOf(nodePorts.values()))
                    .endSpec()
                    .build());
            out.add(NetworkPolicies.nodePorts(ns, name, labels, nodePorts.values()));
        }
        if (w.claims().isEmpty()) {
            out.add(new DeploymentBuilder()
                    .withMetadata(meta(ns, name, labels))
                    .withNewSpec()
                    .withReplicas(s.count())
                    .withRevisionHistoryLimit(1)
                    .withNewSelector()
                    .withMatchLabels(selector)
                    .endSelector()
                    .withNewStrategy()
                    .withType("RollingUpdate")
                    .withNewRollingUpdate()
                    .withMaxSurge(new IntOrString(1))
                    .withMaxUnavailable(new IntOrString(0))
                    .endRollingUpdate()
                    .endStrategy()
                    .withTemplate(template)
                    .endSpec()
                    .build());
        } else {
            out.add(new StatefulSetBuilder()
                    .withMetadata(meta(ns, name, labels))
                    .withNewSpec()
                    .withReplicas(s.count())
                    .withRevisionHistoryLimit(1)
                    .withServiceName(name)
                    .withNewSelector()
                    .withMatchLabels(selector)
                    .endSelector()
                    .withNewUpdateStrategy()
                    .withType("RollingUpdate")
                    .endUpdateStrategy()
                    .withTemplate(template)
                    .withVolumeClaimTemplates(w.claims())
                    .endSpec()
                    .build());
        }
        if (web != null) {
            out.add(ingress(lease, ns, name, s.name(), labels, web, settings));
        }
        return out;
    }

    /** What a service's pods need beside their container: resources, volumes, claims, affinity, tolerations. */
    private record Workload(
            Map<String, Quantity> resources,
            List<Volume> volumes,
            List<VolumeMount> mounts,
            List<PersistentVolumeClaim> claims,
            io.fabric8.kubernetes.api.model.Affinity affinity,
            List<io.fabric8.kubernetes.api.model.Toleration> tolerations) {}

    private static Workload workload(String what, ManifestService s, KubernetesSettings settings, GpuCatalog gpus)
            throws Refused {
        var r = s.resources();
        long cpu = r.cpu().millicores();
        long memory = r.memory().bytes();
        long gpuUnits = r.gpu().units();
        ManifestChecks.resources(what, cpu, memory, gpuUnits);
        Map<String, dev.vyoma.sdl.spec.Volume> declared = new LinkedHashMap<>();
        long ephemeral = 0;
        for (dev.vyoma.sdl.spec.Volume v : r.storage()) {
            ManifestChecks.storage(what, v.name(), v.bytes());
            declared.put(v.name(), v);
        }
        if (declared.size() > ManifestChecks.MAX_VOLUMES_PER_SERVICE) {
            throw new Refused(what + "declares more than " + ManifestChecks.MAX_VOLUMES_PER_SERVICE + " volumes");
        }
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        Set<String> paths = new LinkedHashSet<>();
        Set<String> mounted = new LinkedHashSet<>();
        var params = s.params() == null || s.params().storage() == null
                ? List.<dev.vyoma.sdl.manifest.StorageParams>of()
                : s.params().storage();
        for (var p : params) {
            dev.vyoma.sdl.spec.Volume v = declared.get(p.name());
            if (v == null) {
                throw new Refused(
                        what + "mounts volume " + Names.shown(p.name()) + ", which its profile does not" + " declare");
            }
            boolean ram = v.attribute("class").equals("ram");
            if (!paths.add(ManifestChecks.mountPath(what, p.mount(), ram)) || !mounted.add(p.name())) {
                throw new Refused(what + "mounts two volumes at " + Names.shown(p.mount()) + " or one volume twice");
            }
            String volume = Names.label(p.name(), 40);
            mounts.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                    .withName(volume)
                    .withMountPath(p.mount())
                    .withReadOnly(p.readOnly())
                    .build());
            String cls = v.attribute("class");
            if (cls.equals("ram")) {
                memory = Math.addExact(memory, v.bytes());
                volumes.add(new VolumeBuilder()
                        .withName(volume)
                        .withNewEmptyDir()
                        .withMedium("Memory")
                        .withSizeLimit(new Quantity(String.valueOf(v.bytes())))
                        .endEmptyDir()
                        .build());
            } else if (v.persistent()) {
                String storageClass = settings.storageClass(cls)
                        .orElseThrow(() -> new Refused(what + "volume " + Names.shown(p.name()) + " asks for storage"
                                + " class " + Names.shown(cls) + ", which this provider does not offer"));
                claims.add(new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(volume)
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withStorageClassName(storageClass)
                        .withNewResources()
                        .withRequests(Map.of("storage", new Quantity(String.valueOf(v.bytes()))))
                        .endResources()
                        .endSpec()
                        .build());
            } else {
                ephemeral = Math.addExact(ephemeral, v.bytes());
                volumes.add(new VolumeBuilder()
                        .withName(volume)
                        .withNewEmptyDir()
                        .withSizeLimit(new Quantity(String.valueOf(v.bytes())))
                        .endEmptyDir()
                        .build());
            }
        }
        // Volumes not mounted: the ephemeral ones are the container's own writable space, as in Akash.
        for (dev.vyoma.sdl.spec.Volume v : declared.values()) {
            if (!mounted.contains(v.name())
                    && !v.persistent()
                    && !v.attribute("class").equals("ram")) {
                ephemeral = Math.addExact(ephemeral, v.bytes());
            }
        }
        if (memory > ManifestChecks.MAX_MEMORY_BYTES) {
            throw new Refused(what + "memory and ram volumes are over 2Ti");
        }
        Map<String, Quantity> resources = new TreeMap<>();
        resources.put("cpu", new Quantity(cpu + "m"));
        resources.put("memory", new Quantity(String.valueOf(memory)));
        if (ephemeral > 0) {
            resources.put("ephemeral-storage", new Quantity(String.valueOf(ephemeral)));
        }
        io.fabric8.kubernetes.api.model.Affinity affinity = null;
        List<io.fabric8.kubernetes.api.model.Toleration> tolerations = List.of();
        if (gpuUnits > 0) {
            resources.put(GPU_RESOURCE, new Quantity(String.valueOf(gpuUnits)));
            List<String> kinds = r.gpu().attributes().stream()
                    .map(dev.vyoma.sdl.spec.Attribute::key)
                    .toList();
            List<String> products = gpus.productsFor(kinds);
            if (products.isEmpty()) {
                throw new Refused(what + "no node of this provider's cluster has a GPU of kind "
                        + (kinds.isEmpty() ? "any" : Names.shown(String.join(" or ", kinds))));
            }
            affinity = new io.fabric8.kubernetes.api.model.AffinityBuilder()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey(settings.gpuProductLabel())
                    .withOperator("In")
                    .withValues(products)
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build();
            tolerations = List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
                    .withKey(GPU_RESOURCE)
                    .withOperator("Exists")
                    .withEffect("NoSchedule")
                    .build());
        }
        return new Workload(resources, volumes, mounts, claims, affinity, tolerations);
    }

    private static Container container(ManifestService s, String name, Workload w, List<ContainerPort> ports) {
        List<EnvVar> env = new ArrayList<>();
        for (String e : s.env() == null ? List.<String>of() : s.env()) {
            int eq = e.indexOf('=');
            env.add(new EnvVar(e.substring(0, eq), e.substring(eq + 1), null));
        }
        // Akash's command replaces the image's entrypoint, args its command, as Kubernetes reads them.
        return new ContainerBuilder()
                .withName(name)
                .withImage(s.image())
                .withImagePullPolicy("IfNotPresent")
                .withCommand(s.command())
                .withArgs(s.args())
                .withEnv(env)
                .withPorts(ports)
                .withNewResources()
                .withRequests(w.resources())
                .withLimits(w.resources())
                .endResources()
                .withVolumeMounts(w.mounts())
                .withSecurityContext(Security.container())
                .build();
    }

    private static HasMetadata pullSecret(String ns, String name, Map<String, String> labels, ManifestChecks.Auth a) {
        String basic = Base64.getEncoder()
                .encodeToString((a.username() + ":" + a.password()).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("username", a.username());
        auth.put("password", a.password());
        auth.put("auth", basic);
        String json = dev.vyoma.sdl.json.JsonWriter.compact(Map.of("auths", Map.of(a.registry(), auth)));
        return new SecretBuilder()
                .withMetadata(meta(ns, name, labels))
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(
                        ".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    private static HasMetadata ingress(
            String lease,
            String ns,
            String name,
            String sdlName,
            Map<String, String> labels,
            ServiceExpose web,
            KubernetesSettings settings) {
        HttpOptions http = web.httpOptions();
        // The manifest reader kept these within the SDL's bounds; they are numbers and a fixed set of words.
        Map<String, String> annotations = new TreeMap<>();
        String nginx = "nginx.ingress.kubernetes.io/";
        annotations.put(nginx + "proxy-body-size", String.valueOf(http.maxBodySize()));
        annotations.put(nginx + "proxy-read-timeout", String.valueOf(Math.max(1, http.readTimeout() / 1000)));
        annotations.put(nginx + "proxy-send-timeout", String.valueOf(Math.max(1, http.sendTimeout() / 1000)));
        annotations.put(nginx + "proxy-next-upstream-tries", String.valueOf(http.nextTries()));
        annotations.put(
                nginx + "proxy-next-upstream",
                String.join(
                        " ",
                        http.nextCases().stream()
                                .filter(HttpOptions.NEXT_CASES::contains)
                                .map(c -> c.matches("[0-9]+") ? "http_" + c : c)
                                .toList()));
        ObjectMeta meta = meta(ns, name, labels);
        meta.setAnnotations(annotations);
        String host = IngressId.of(lease, sdlName);
        return new IngressBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withIngressClassName(settings.ingressClass())
                .addNewRule()
                .withHost(host + "." + settings.ingressDomain())
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName(name)
                .withNewPort()
                .withNumber(web.effectiveExternalPort())
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
    }

    /** A port's name: {@code p<port>-tcp} or {@code -udp} (at most 15 characters, as Kubernetes allows). */
    static String portName(int port, String proto) {
        return "p" + port + "-" + proto.toLowerCase(java.util.Locale.ROOT);
    }

    static ObjectMeta meta(String ns, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withLabels(new TreeMap<>(labels))
                .build();
    }
}

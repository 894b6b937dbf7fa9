package dev.vyoma.provider.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's mock API server in CRUD mode, standing in for a cluster: it stores what is created and answers reads,
 * but runs no controllers and no kubelet. {@link #runPods} does what a cluster's controllers and kubelets would
 * (pods for each workload, running and ready, and the workload's status), as the test says. Every request the
 * runtime's own client sends (told apart by its user agent) is recorded as the (verb, resource, group) Kubernetes
 * authorizes it as; pod logs are answered from {@link #logs}.
 */
final class MockCluster implements AutoCloseable {
    static final String RUNTIME_AGENT = "vyoma-kubernetes-runtime-test";

    /** One request as RBAC sees it. */
    record Access(String verb, String resource, String group) {}

    final KubernetesMockServer server;
    /** The test's own client: it plays the controllers and the kubelet. */
    final KubernetesClient cluster;

    final Set<Access> accesses = ConcurrentHashMap.newKeySet();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Pod name to its log text. */
    final Map<String, String> logs = new ConcurrentHashMap<>();

    MockCluster() {
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        Dispatcher recording = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (RUNTIME_AGENT.equals(r.getHeader("User-Agent"))) {
                    requests.add(r.getMethod() + " " + r.getPath());
                    accesses.add(access(r.getMethod(), r.getPath()));
                }
                String path = r.getPath().replaceFirst("\\?.*$", "");
                if (path.endsWith("/log")) {
                    String[] p = path.split("/");
                    String text = logs.get(p[p.length - 2]);
                    if (text == null) {
                        return new MockResponse().setResponseCode(404);
                    }
                    var tail = java.util.regex.Pattern.compile("tailLines=([0-9]+)")
                            .matcher(r.getPath());
                    if (tail.find()) {
                        List<String> lines = text.lines().toList();
                        int n = Integer.parseInt(tail.group(1));
                        text = String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())) + "\n";
                    }
                    return new MockResponse().setResponseCode(200).setBody(text);
                }
                return crud.dispatch(r);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), recording, false);
        server.init();
        cluster = server.createClient();
    }

    /** A new client for the runtime, whose requests are recorded. */
    KubernetesClient runtimeClient() {
        return new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(cluster.getConfiguration())
                        .withUserAgent(RUNTIME_AGENT)
                        .build())
                .build();
    }

    /** The (verb, resource, group) Kubernetes authorizes a request as; {@code exec} is a {@code create}. */
    static Access access(String method, String pathAndQuery) {
        String path = pathAndQuery.replaceFirst("\\?.*$", "");
        String query = pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?') + 1) : "";
        List<String> p = new ArrayList<>(List.of(path.substring(1).split("/")));
        String group;
        if (p.get(0).equals("api")) {
            group = "";
            p = p.subList(2, p.size());
        } else {
            group = p.get(1);
            p = p.subList(3, p.size());
        }
        if (p.size() >= 2 && p.get(0).equals("namespaces") && p.size() != 2) {
            p = p.subList(2, p.size());
        }
        String resource = p.get(0) + (p.size() > 2 ? "/" + p.get(2) : "");
        boolean named = p.size() > 1;
        String verb = switch (method) {
            case "GET" ->
                resource.endsWith("/exec") ? "create" : named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return new Access(verb, resource, group);
    }

    /** The recorded accesses, sorted, as {@code verb resource group} lines. */
    Set<String> accessLines() {
        Set<String> out = new TreeSet<>();
        accesses.forEach(a -> out.add(a.verb() + " " + a.resource() + " " + a.group()));
        return out;
    }

    /**
     * What the controllers and kubelets would do for namespace {@code ns}: every workload's pods exist (the old
     * ones replaced when its template changed), run and are ready, and its status says all replicas are ready and
     * updated.
     */
    void runPods(String ns) {
        for (Deployment d : cluster.apps().deployments().inNamespace(ns).list().getItems()) {
            int n = d.getSpec().getReplicas();
            pods(ns, d.getMetadata().getName(), d.getSpec().getTemplate(), n, false);
            d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                    .withReplicas(n)
                    .withReadyReplicas(n)
                    .withUpdatedReplicas(n)
                    .withAvailableReplicas(n)
                    .withObservedGeneration(generation(d))
                    .build());
            cluster.apps().deployments().inNamespace(ns).resource(d).updateStatus();
        }
        for (StatefulSet s :
                cluster.apps().statefulSets().inNamespace(ns).list().getItems()) {
            int n = s.getSpec().getReplicas();
            pods(ns, s.getMetadata().getName(), s.getSpec().getTemplate(), n, true);
            s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                    .withReplicas(n)
                    .withReadyReplicas(n)
                    .withCurrentRevision("r")
                    .withUpdateRevision("r")
                    .withObservedGeneration(generation(s))
                    .build());
            cluster.apps().statefulSets().inNamespace(ns).resource(s).updateStatus();
        }
    }

    private static long generation(io.fabric8.kubernetes.api.model.HasMetadata o) {
        return o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration();
    }

    private void pods(String ns, String workload, PodTemplateSpec template, int count, boolean ordinal) {
        String hash = Integer.toHexString(template.getSpec().hashCode() & 0xfffff);
        for (Pod p : cluster.pods()
                .inNamespace(ns)
                .withLabel(Names.SERVICE, workload)
                .list()
                .getItems()) {
            if (!p.getMetadata().getName().contains(hash) || count == 0) {
                cluster.resource(p).delete();
            }
        }
        for (int i = 0; i < count; i++) {
            String name = ordinal ? workload + "-" + i : workload + "-" + hash + "-" + i;
            Pod pod = new PodBuilder()
                    .withNewMetadata()
                    .withName(name + (ordinal ? "" : ""))
                    .withNamespace(ns)
                    .withLabels(template.getMetadata().getLabels())
                    .addToLabels("pod-template-hash", hash)
                    .endMetadata()
                    .withSpec(template.getSpec())
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .addToContainerStatuses(new ContainerStatusBuilder()
                            .withName(template.getSpec().getContainers().get(0).getName())
                            .withRestartCount(0)
                            .withReady(true)
                            .withNewState()
                            .withNewRunning()
                            .endRunning()
                            .endState()
                            .build())
                    .endStatus()
                    .build();
            cluster.resource(pod).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        }
    }

    @Override
    public void close() {
        cluster.close();
        server.destroy();
    }
}

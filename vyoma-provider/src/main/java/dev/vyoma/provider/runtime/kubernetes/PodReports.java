package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a lease's pods say, read from their status as the kubelet writes it: which pod is which replica of which
 * service (the pods of a service ordered by name, numbered from 0; a StatefulSet's by its own ordinals), whether it
 * runs and is ready, how often its container restarted and why it last stopped ({@code OOMKilled}, {@code Error
 * (exit code 1)}), why it waits ({@code ErrImagePull}, {@code CrashLoopBackOff}) or cannot be scheduled.
 */
final class PodReports {
    /** Waiting reasons that are not a step on the way to running but a problem the tenant should see. */
    private static final Set<String> PROBLEMS = Set.of(
            "ErrImagePull",
            "ImagePullBackOff",
            "InvalidImageName",
            "CrashLoopBackOff",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");

    private PodReports() {}

    /** One pod as a replica: its service (the SDL's name), its number, the pod, and what its status says. */
    record PodReplica(
            String service, int index, Pod pod, boolean running, boolean ready, int restarts, String problem) {}

    /**
     * The pods of {@code pods} that are replicas of a service of {@code services} (object name to SDL name), in
     * service order and numbered; pods being deleted are left out.
     */
    static List<PodReplica> replicas(List<Pod> pods, Map<String, String> services) {
        Map<String, List<Pod>> byService = new LinkedHashMap<>();
        services.keySet().forEach(s -> byService.put(s, new ArrayList<>()));
        for (Pod p : pods) {
            String s = p.getMetadata().getLabels() == null
                    ? null
                    : p.getMetadata().getLabels().get(Names.SERVICE);
            if (s != null && byService.containsKey(s) && p.getMetadata().getDeletionTimestamp() == null) {
                byService.get(s).add(p);
            }
        }
        List<PodReplica> out = new ArrayList<>();
        byService.forEach((object, list) -> {
            list.sort(
                    Comparator.comparingInt((Pod p) -> p.getMetadata().getName().length())
                            .thenComparing(p -> p.getMetadata().getName()));
            for (int i = 0; i < list.size(); i++) {
                out.add(replica(services.get(object), i, list.get(i)));
            }
        });
        return out;
    }

    private static PodReplica replica(String service, int index, Pod p) {
        String name = service + "-" + index;
        var status = p.getStatus();
        boolean running = status != null && "Running".equals(status.getPhase());
        boolean ready = running
                && status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        int restarts = 0;
        List<String> problems = new ArrayList<>();
        if (status != null && status.getContainerStatuses() != null) {
            for (ContainerStatus c : status.getContainerStatuses()) {
                restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
                if (c.getState() != null && c.getState().getWaiting() != null) {
                    var w = c.getState().getWaiting();
                    if (PROBLEMS.contains(w.getReason())) {
                        problems.add(name + " " + w.getReason()
                                + (w.getMessage() == null ? "" : ": " + Names.shown(w.getMessage())));
                    }
                }
                if (c.getRestartCount() != null && c.getRestartCount() > 0) {
                    problems.add(name + " restarted " + c.getRestartCount() + " time(s), last stopped: " + lastExit(c));
                }
            }
        }
        if (status != null && status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                    problems.add(name + " cannot be scheduled"
                            + (c.getMessage() == null ? "" : ": " + Names.shown(c.getMessage())));
                }
            }
        }
        return new PodReplica(service, index, p, running, ready, restarts, String.join("; ", problems));
    }

    /** Why a container last stopped, as the container runtime says it: {@code OOMKilled} or the exit code. */
    static String lastExit(ContainerStatus c) {
        ContainerStateTerminated t =
                c.getLastState() == null ? null : c.getLastState().getTerminated();
        if (t == null) {
            return "unknown";
        }
        if ("OOMKilled".equals(t.getReason())) {
            return "OOMKilled";
        }
        return (t.getReason() == null ? "Error" : t.getReason()) + " (exit code " + t.getExitCode() + ")";
    }

    /**
     * The ready replicas as the contract lists them: no process, no host ports (the cluster's ingress and node ports
     * reach them) and no local log file (the API server serves their logs).
     */
    static List<WorkloadRuntime.Replica> ready(List<PodReplica> replicas) {
        List<WorkloadRuntime.Replica> out = new ArrayList<>();
        for (PodReplica r : replicas) {
            if (r.ready()) {
                out.add(new WorkloadRuntime.Replica(r.service(), r.index(), 0, 0, Map.of(), null));
            }
        }
        return out;
    }
}

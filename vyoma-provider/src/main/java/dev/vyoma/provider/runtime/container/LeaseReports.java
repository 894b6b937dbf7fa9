package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * A lease's status as the tenant sees it: replicas ready of planned, each replica's container, and notes: why the
 * manifest does not run, and which replicas were restarted, how often and why they last stopped.
 */
final class LeaseReports {
    private final String owner;
    private final DesiredState desired;
    private final StatusReader reader;
    private final Reconciler reconciler;

    LeaseReports(String owner, DesiredState desired, StatusReader reader, Reconciler reconciler) {
        this.owner = owner;
        this.desired = desired;
        this.reader = reader;
        this.reconciler = reconciler;
    }

    WorkloadRuntime.LeaseStatus status(String lease) {
        LeasePlan plan = desired.plan(lease).orElse(null);
        String updating = desired.staged(lease).map(LeasePlan::version).orElse("");
        if (plan == null) {
            return new WorkloadRuntime.LeaseStatus(lease, 0, 0, List.of(), "", "", updating);
        }
        List<WorkloadRuntime.Replica> replicas = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!desired.problem(lease).isEmpty()) {
            notes.add(desired.problem(lease));
        }
        int ready = 0;
        for (ContainerRuntime.ReplicaState s : replicas(lease)) {
            if (s.replica() != null) {
                replicas.add(s.replica());
                ready += s.ready() ? 1 : 0;
            }
            if (s.restarts() > 0 || !s.lastExit().isEmpty()) {
                notes.add(s.service() + "-" + s.index() + " restarted " + s.restarts() + " time(s), last stopped: "
                        + s.lastExit());
            }
        }
        return new WorkloadRuntime.LeaseStatus(
                lease, ready, plan.replicas().size(), replicas, String.join("; ", notes), plan.version(), updating);
    }

    /** Each replica of the plan the lease runs, in plan order. */
    List<ContainerRuntime.ReplicaState> replicas(String lease) {
        return desired.plan(lease).map(this::replicas).orElse(List.of());
    }

    /** Each replica of {@code plan}, in plan order. */
    List<ContainerRuntime.ReplicaState> replicas(LeasePlan plan) {
        LeaseObjects o = LeaseObjects.of(owner, plan.lease());
        List<ContainerRuntime.ReplicaState> out = new ArrayList<>();
        for (LeasePlan.Replica r : plan.replicas()) {
            StatusReader.Observed seen = reader.observe(o, plan.version(), r).orElse(null);
            ReplicaHealth h = reconciler
                    .health(o.container(plan.version(), r.service(), r.index()))
                    .orElse(ReplicaHealth.NEW);
            out.add(new ContainerRuntime.ReplicaState(
                    r.service(),
                    r.index(),
                    seen == null ? null : seen.replica(),
                    seen == null ? "" : seen.containerId(),
                    seen == null ? "missing" : seen.state(),
                    seen != null && seen.ready(),
                    h.restarts(),
                    h.lastExit()));
        }
        return out;
    }
}

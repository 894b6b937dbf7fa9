package dev.vyoma.provider.runtime.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What should run: each lease's plan (what its traffic goes to), the plan being rolled out beside it (staged: its
 * replicas start and are healed, but get no traffic until they are all ready), and for a lease whose manifest does
 * not run (refused, an image cannot be had, an update that did not become ready) why not. A refused lease keeps
 * the plan it ran before, or an empty one, so it is still a lease here and its status says why. Not thread-safe:
 * {@link ContainerRuntime} uses it under its lock.
 */
final class DesiredState {
    private final Map<String, LeasePlan> plans = new LinkedHashMap<>();
    private final Map<String, LeasePlan> staged = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    Optional<LeasePlan> plan(String lease) {
        return Optional.ofNullable(plans.get(lease));
    }

    /** The plan being rolled out for the lease, if any. */
    Optional<LeasePlan> staged(String lease) {
        return Optional.ofNullable(staged.get(lease));
    }

    /** The lease now runs {@code plan}: it gets the traffic (a staged plan of it is promoted). */
    void run(LeasePlan plan) {
        plans.put(plan.lease(), plan);
        staged.remove(plan.lease());
        problems.remove(plan.lease());
    }

    /** {@code plan} is rolled out beside what the lease runs. */
    void stage(LeasePlan plan) {
        staged.put(plan.lease(), plan);
    }

    /** The lease's staged plan, if it is {@code plan}, is dropped. */
    void unstage(LeasePlan plan) {
        staged.remove(plan.lease(), plan);
    }

    /** The lease's new manifest does not run, for {@code why}; what ran before stays. */
    void refuse(String lease, String why) {
        plans.putIfAbsent(lease, new LeasePlan(lease, "", List.of()));
        problems.put(lease, why);
    }

    void forget(String lease) {
        plans.remove(lease);
        staged.remove(lease);
        problems.remove(lease);
    }

    /** Why the lease's manifest does not run; empty if it does. */
    String problem(String lease) {
        return problems.getOrDefault(lease, "");
    }

    /** The leases with a plan, running or staged. */
    Set<String> leases() {
        Set<String> out = new LinkedHashSet<>(plans.keySet());
        out.addAll(staged.keySet());
        return Set.copyOf(out);
    }

    /** Every plan whose replicas should run: the running ones and the staged ones. */
    List<LeasePlan> plans() {
        List<LeasePlan> out = new ArrayList<>(plans.values());
        out.addAll(staged.values());
        return List.copyOf(out);
    }

    /** The plans that get traffic. */
    List<LeasePlan> running() {
        return List.copyOf(plans.values());
    }
}

package dev.vyoma.provider.runtime.container;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What should run: each lease's plan, and for a lease whose manifest does not run (refused, or an image cannot be
 * had) why not. A refused lease keeps the plan it ran before, or an empty one, so it is still a lease here and its
 * status says why. Not thread-safe: {@link ContainerRuntime} uses it under its lock.
 */
final class DesiredState {
    private final Map<String, LeasePlan> plans = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    Optional<LeasePlan> plan(String lease) {
        return Optional.ofNullable(plans.get(lease));
    }

    /** The lease now runs {@code plan}. */
    void run(LeasePlan plan) {
        plans.put(plan.lease(), plan);
        problems.remove(plan.lease());
    }

    /** The lease's new manifest does not run, for {@code why}; what ran before stays. */
    void refuse(String lease, String why) {
        plans.putIfAbsent(lease, new LeasePlan(lease, "", List.of()));
        problems.put(lease, why);
    }

    void forget(String lease) {
        plans.remove(lease);
        problems.remove(lease);
    }

    /** Why the lease's manifest does not run; empty if it does. */
    String problem(String lease) {
        return problems.getOrDefault(lease, "");
    }

    Set<String> leases() {
        return Set.copyOf(plans.keySet());
    }

    List<LeasePlan> plans() {
        return List.copyOf(plans.values());
    }
}

package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.bid.GpuDevice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the host's GPUs ({@link GpuPool}) each lease holds: a replica that asks for GPUs gets distinct ones that
 * no other lease holds, all of one kind that its profile accepts. A lease keeps its GPUs across updates (a replica
 * keeps the ones it had when they still fit it) and across the provider's restarts (kept in the {@link LeaseStore});
 * while an update rolls out the lease holds the GPUs of its old and new replicas, and after it only those of the
 * plans that run. They are free again when the lease ends. Not thread-safe: the runtime uses it under its lock.
 */
final class GpuAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(GpuAllocator.class);

    private final GpuPool pool;
    private final LeaseStore store;
    /** Per lease, per replica key ({@link #key}), the CDI names held. */
    private final Map<String, Map<String, List<String>>> held = new LinkedHashMap<>();

    /** Reads back what the leases held before the provider restarted; GPUs no longer in {@code pool} are dropped. */
    GpuAllocator(GpuPool pool, LeaseStore store) throws IOException {
        this.pool = pool;
        this.store = store;
        Set<String> known = new HashSet<>();
        pool.gpus().forEach(g -> known.add(g.cdiName()));
        Set<String> claimed = new HashSet<>();
        store.gpus().forEach((lease, slots) -> {
            Map<String, List<String>> kept = new LinkedHashMap<>();
            slots.forEach((key, names) -> {
                if (known.containsAll(names) && names.stream().noneMatch(claimed::contains)) {
                    kept.put(key, names);
                } else {
                    LOG.warn("lease {}: GPUs {} of replica {} are no longer this lease's to keep", lease, names, key);
                }
            });
            kept.values().forEach(claimed::addAll);
            if (!kept.isEmpty()) {
                held.put(lease, kept);
            }
        });
    }

    /**
     * {@code plan} with each replica's GPUs assigned, now held by its lease; refused, holding nothing more, if they
     * are not free.
     */
    LeasePlan assign(LeasePlan plan) throws ManifestRefused {
        if (!plan.wantsGpus()) {
            return plan;
        }
        Map<String, List<String>> mine = held.getOrDefault(plan.lease(), Map.of());
        Set<String> others = new HashSet<>();
        held.forEach((lease, slots) -> {
            if (!lease.equals(plan.lease())) {
                slots.values().forEach(others::addAll);
            }
        });
        Set<String> taken = new HashSet<>();
        List<LeasePlan.Replica> replicas = new ArrayList<>();
        Map<String, List<String>> assigned = new LinkedHashMap<>(mine);
        for (LeasePlan.Replica r : plan.replicas()) {
            if (r.gpus().units() == 0) {
                replicas.add(r);
                continue;
            }
            List<String> devices =
                    previous(mine, r).filter(p -> fits(p, r, others, taken)).orElseGet(() -> pick(r, others, taken));
            if (devices.isEmpty()) {
                throw new ManifestRefused(shortage(r, others, taken));
            }
            taken.addAll(devices);
            replicas.add(r.withGpus(devices));
            assigned.put(key(plan.version(), r), devices);
        }
        save(plan.lease(), assigned);
        return new LeasePlan(plan.lease(), plan.version(), replicas);
    }

    /** The lease holds the GPUs of {@code plans} (what runs and what rolls out) only; none: its GPUs are free. */
    void keep(String lease, Collection<LeasePlan> plans) {
        Map<String, List<String>> slots = new LinkedHashMap<>();
        for (LeasePlan p : plans) {
            for (LeasePlan.Replica r : p.replicas()) {
                if (!r.gpus().devices().isEmpty()) {
                    slots.put(key(p.version(), r), r.gpus().devices());
                }
            }
        }
        try {
            save(lease, slots);
        } catch (ManifestRefused e) {
            LOG.warn("lease {}: {}", lease, e.getMessage());
        }
    }

    /** The lease ended: its GPUs are free. */
    void release(String lease) {
        held.remove(lease);
    }

    /** The GPUs {@code lease} holds, by replica key. */
    Map<String, List<String>> held(String lease) {
        return Map.copyOf(held.getOrDefault(lease, Map.of()));
    }

    private void save(String lease, Map<String, List<String>> slots) throws ManifestRefused {
        try {
            store.saveGpus(lease, slots);
        } catch (IOException e) {
            throw new ManifestRefused("cannot record the lease's GPUs: " + e.getMessage());
        }
        if (slots.isEmpty()) {
            held.remove(lease);
        } else {
            held.put(lease, Map.copyOf(slots));
        }
    }

    /** A replica's key: its service and index in one manifest version. */
    private static String key(String version, LeasePlan.Replica r) {
        return r.service() + "-" + r.index() + "@" + version;
    }

    /** The GPUs the lease's replica of the same service and index held in another plan. */
    private static java.util.Optional<List<String>> previous(Map<String, List<String>> mine, LeasePlan.Replica r) {
        String prefix = r.service() + "-" + r.index() + "@";
        return mine.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Whether {@code devices}, free of other leases and of this plan's other replicas, still serve {@code r}. */
    private boolean fits(List<String> devices, LeasePlan.Replica r, Set<String> others, Set<String> taken) {
        if (devices.size() != r.gpus().units()) {
            return false;
        }
        GpuDevice kind = null;
        for (String name : devices) {
            GpuPool.Gpu g = gpu(name);
            if (g == null || others.contains(name) || taken.contains(name) || !accepts(r, g.device())) {
                return false;
            }
            if (kind != null && !kind.equals(g.device())) {
                return false;
            }
            kind = g.device();
        }
        return true;
    }

    /** The first kind of GPU, in pool order, with enough free for {@code r}, and those; empty if none has. */
    private List<String> pick(LeasePlan.Replica r, Set<String> others, Set<String> taken) {
        Map<GpuDevice, List<String>> free = new LinkedHashMap<>();
        for (GpuPool.Gpu g : pool.gpus()) {
            if (accepts(r, g.device()) && !others.contains(g.cdiName()) && !taken.contains(g.cdiName())) {
                free.computeIfAbsent(g.device(), k -> new ArrayList<>()).add(g.cdiName());
            }
        }
        for (List<String> names : free.values()) {
            if (names.size() >= r.gpus().units()) {
                return List.copyOf(names.subList(0, r.gpus().units()));
            }
        }
        return List.of();
    }

    private String shortage(LeasePlan.Replica r, Set<String> others, Set<String> taken) {
        String what = "service " + r.service() + ": asks for " + r.gpus().units() + " GPU(s)"
                + (r.gpus().attributes().isEmpty() ? "" : " of " + r.gpus().attributes());
        if (pool.gpus().isEmpty()) {
            return what + ", but this provider hands no GPUs to containers";
        }
        long matching = pool.gpus().stream().filter(g -> accepts(r, g.device())).count();
        long free = pool.gpus().stream()
                .filter(g -> accepts(r, g.device()))
                .filter(g -> !others.contains(g.cdiName()) && !taken.contains(g.cdiName()))
                .count();
        return what + " per replica, but this provider has " + matching + " such GPU(s) and " + free
                + " of them free (other leases and this lease's other replicas hold the rest); ask for fewer or"
                + " deploy it to another provider";
    }

    private GpuPool.Gpu gpu(String name) {
        for (GpuPool.Gpu g : pool.gpus()) {
            if (g.cdiName().equals(name)) {
                return g;
            }
        }
        return null;
    }

    private static boolean accepts(LeasePlan.Replica r, GpuDevice d) {
        return r.gpus().attributes().isEmpty() || r.gpus().attributes().stream().anyMatch(d::satisfies);
    }
}

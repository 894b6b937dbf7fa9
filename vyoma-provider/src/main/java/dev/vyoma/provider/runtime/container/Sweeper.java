package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds and removes a provider's objects in the engine by their labels, whatever made them: the leases they
 * belong to (for adoption and orphan removal), and a lease's containers, volumes and network when it ends.
 * Containers are stopped before they are removed, all of one removal at once: each gets the stop grace between
 * its stop signal and SIGKILL, and the removal takes one grace however many there are.
 */
final class Sweeper {
    private final DockerClient api;
    private final String owner;
    private final int graceSeconds;

    Sweeper(Engine engine, String owner, java.time.Duration stopGrace) {
        ContainerRuntime.Settings.checkStopGrace(stopGrace);
        this.api = engine.api();
        this.owner = owner;
        this.graceSeconds = Math.toIntExact(stopGrace.toSeconds());
    }

    /** The leases that have a container, volume or network of this owner in the engine. */
    Set<String> leases() {
        Set<String> out = new LinkedHashSet<>();
        containers(Map.of()).forEach(c -> add(out, c.getLabels()));
        api.listNetworksCmd()
                .withFilter("label", List.of(LeaseObjects.OWNER + "=" + owner))
                .exec()
                .forEach(n -> add(out, n.getLabels()));
        var volumes = api.listVolumesCmd()
                .withFilter("label", List.of(LeaseObjects.OWNER + "=" + owner))
                .exec();
        if (volumes.getVolumes() != null) {
            volumes.getVolumes().forEach(v -> add(out, v.getLabels()));
        }
        return out;
    }

    /** This owner's containers of {@code lease}. */
    List<Container> containers(String lease) {
        return containers(Map.of(LeaseObjects.LEASE, lease));
    }

    /** Removes the containers of {@code lease} that {@code which} selects, running or not; returns their names. */
    List<String> removeContainers(String lease, Predicate<Container> which) {
        return remove(containers(lease).stream().filter(which).toList());
    }

    /** Removes every container of this owner, of every lease; returns their names. */
    List<String> removeAllContainers() {
        return remove(containers(Map.of()));
    }

    /**
     * Stops {@code doomed} together (each SIGKILLed after the grace if its stop signal did not end it), then
     * removes them; the first engine failure is thrown once all were tried.
     */
    private List<String> remove(List<Container> doomed) {
        RuntimeException failed = null;
        try (var each = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> removals = doomed.stream()
                    .<java.util.concurrent.Future<?>>map(c -> each.submit(() -> stopAndRemove(c.getId())))
                    .toList();
            for (var removal : removals) {
                try {
                    removal.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof RuntimeException r
                                ? r
                                : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while containers were removed", e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return doomed.stream().map(Sweeper::name).toList();
    }

    private void stopAndRemove(String id) {
        try {
            api.stopContainerCmd(id).withTimeout(graceSeconds).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // Not running, or gone already: nothing to stop.
        }
        ignoreMissing(() -> api.removeContainerCmd(id).withForce(true).exec());
    }

    /** Removes everything of {@code lease}: containers, then its volumes and network. */
    List<String> remove(String lease) {
        List<String> names = removeContainers(lease, c -> true);
        String label = LeaseObjects.LEASE + "=" + lease;
        String mine = LeaseObjects.OWNER + "=" + owner;
        var volumes =
                api.listVolumesCmd().withFilter("label", List.of(mine, label)).exec();
        if (volumes.getVolumes() != null) {
            volumes.getVolumes()
                    .forEach(v ->
                            ignoreMissing(() -> api.removeVolumeCmd(v.getName()).exec()));
        }
        api.listNetworksCmd()
                .withFilter("label", List.of(mine, label))
                .exec()
                .forEach(
                        n -> ignoreMissing(() -> api.removeNetworkCmd(n.getId()).exec()));
        return names;
    }

    static String name(Container c) {
        String n = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0];
        return n.startsWith("/") ? n.substring(1) : n;
    }

    private List<Container> containers(Map<String, String> labels) {
        Map<String, String> filter = new java.util.HashMap<>(labels);
        filter.put(LeaseObjects.OWNER, owner);
        return api.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec();
    }

    private static void add(Set<String> out, Map<String, String> labels) {
        if (labels != null && labels.get(LeaseObjects.LEASE) != null) {
            out.add(labels.get(LeaseObjects.LEASE));
        }
    }

    private static void ignoreMissing(Runnable r) {
        try {
            r.run();
        } catch (NotFoundException e) {
            // Already gone: what removal wanted.
        }
    }
}

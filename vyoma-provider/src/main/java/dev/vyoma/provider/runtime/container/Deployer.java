package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps that change what a lease runs, each one call under the runtime's lock except {@link #images}: plan a
 * manifest, pull its images, stage the new plan (its replicas start beside the running ones; a service with
 * persistent volumes has its old replicas stopped first, so two never write one volume), promote it (its manifest
 * is stored and it gets the traffic), retire the replicas of other versions, or abandon a staged plan. A refused
 * manifest or an image that cannot be had leaves what runs as it is. Ending a lease removes its containers,
 * volumes, network and stored manifest.
 */
final class Deployer {
    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

    private final String owner;
    private final DesiredState desired;
    private final LeaseStore store;
    private final Provisioner provisioner;
    private final ImagePuller puller;
    private final Sweeper sweeper;
    private final Reconciler reconciler;
    private final GpuAllocator gpus;

    Deployer(
            String owner,
            DesiredState desired,
            LeaseStore store,
            Provisioner provisioner,
            ImagePuller puller,
            Sweeper sweeper,
            Reconciler reconciler,
            GpuAllocator gpus) {
        this.gpus = gpus;
        this.owner = owner;
        this.desired = desired;
        this.store = store;
        this.provisioner = provisioner;
        this.puller = puller;
        this.sweeper = sweeper;
        this.reconciler = reconciler;
    }

    /**
     * The plan for the lease's new manifest; empty when there is nothing to start: the lease runs or rolls out this
     * manifest already, or it is refused (its status then says why).
     */
    Optional<LeasePlan> plan(String lease, List<ManifestGroup> groups) throws ManifestRefused {
        String version = new Manifest(groups).version().hex();
        if (desired.plan(lease).map(p -> p.version().equals(version)).orElse(false)
                && desired.problem(lease).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(place(ManifestPlanner.plan(lease, version, groups)));
    }

    /**
     * {@code plan} with the GPUs its replicas get ({@link GpuAllocator}), held for its lease from now; refused if
     * they are not free, or if this engine cannot be handed CDI devices.
     */
    LeasePlan place(LeasePlan plan) throws ManifestRefused {
        if (plan.wantsGpus() && !provisioner.takesCdiDevices()) {
            throw new ManifestRefused(GPUS_NEED_PODMAN);
        }
        return gpus.assign(plan);
    }

    /**
     * Why a lease with GPUs is refused on an engine that is not Podman: a GPU is handed over as a CDI device, and
     * Docker's API as Podman 4 serves it cannot pass one; Docker's own CDI support is not relied on.
     */
    static final String GPUS_NEED_PODMAN = "asks for GPUs, which this provider hands to containers only on Podman"
            + " (its engine is not Podman, and Docker's API cannot pass CDI devices such as nvidia.com/gpu=0 here);"
            + " deploy it to a provider that offers GPUs";

    /** The lease holds the GPUs of what it runs and what rolls out, and no others. */
    void keepGpus(String lease) {
        List<LeasePlan> plans = new java.util.ArrayList<>();
        desired.plan(lease).ifPresent(plans::add);
        desired.staged(lease).ifPresent(plans::add);
        gpus.keep(lease, plans);
    }

    /**
     * Pulls the plan's missing images (each with its service's credentials), telling {@code events} how it goes;
     * empty if all are here, else why one cannot be had. Needs no lock.
     */
    Optional<String> images(LeasePlan plan, java.util.function.Consumer<String> events) {
        java.util.Map<String, LeasePlan.Auth> images = new java.util.LinkedHashMap<>();
        plan.replicas().forEach(r -> images.putIfAbsent(r.image(), r.auth()));
        for (var image : images.entrySet()) {
            Optional<String> missing = puller.pull(image.getKey(), image.getValue(), events);
            if (missing.isPresent()) {
                return missing;
            }
        }
        return Optional.empty();
    }

    /** The lease's manifest cannot run for {@code why}; what runs stays. */
    void refuse(String lease, String why) {
        desired.refuse(lease, why);
        keepGpus(lease);
    }

    /**
     * Starts {@code plan}'s replicas beside what the lease runs, at {@code now}; the replicas of its services with
     * persistent volumes replace the old ones of those services. Returns those services.
     */
    Set<String> stage(LeasePlan plan, Instant now) {
        provisioner.network(LeaseObjects.of(owner, plan.lease()), plan.version());
        Set<String> stateful = plan.replicas().stream()
                .filter(r -> !r.volumes().isEmpty())
                .map(LeasePlan.Replica::service)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        if (!stateful.isEmpty()) {
            reconciler.forget(sweeper.removeContainers(
                    plan.lease(),
                    c -> stateful.contains(c.getLabels().get(LeaseObjects.SERVICE))
                            && !plan.version().equals(c.getLabels().get(LeaseObjects.VERSION))));
        }
        desired.stage(plan);
        reconciler.start(now, plan);
        return stateful;
    }

    /** The lease now runs {@code plan}: its manifest is stored and its replicas get the traffic. */
    void promote(LeasePlan plan, List<ManifestGroup> groups) throws IOException {
        String json = JsonWriter.compact(AkashJson.manifest(new Manifest(groups)));
        store.save(plan.lease(), json.getBytes(StandardCharsets.UTF_8));
        desired.run(plan);
        keepGpus(plan.lease());
        LOG.info(
                "lease {}: {} replica(s) of manifest {} run",
                plan.lease(),
                plan.replicas().size(),
                plan.version());
    }

    /** Removes the lease's containers of every version but {@code plan}'s; returns their names. */
    List<String> retire(LeasePlan plan) {
        List<String> names = sweeper.removeContainers(
                plan.lease(), c -> !plan.version().equals(c.getLabels().get(LeaseObjects.VERSION)));
        reconciler.forget(names);
        return names;
    }

    /** Drops the staged {@code plan} and removes its containers; what the lease runs stays. */
    void abandon(LeasePlan plan) {
        desired.unstage(plan);
        keepGpus(plan.lease());
        reconciler.forget(sweeper.removeContainers(
                plan.lease(), c -> plan.version().equals(c.getLabels().get(LeaseObjects.VERSION))));
    }

    void teardown(String lease) throws IOException {
        desired.forget(lease);
        reconciler.forget(sweeper.remove(lease));
        store.delete(lease);
        gpus.release(lease);
        LOG.info("lease {}: containers, volumes and network removed", lease);
    }
}

package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.json.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and ends leases, in three steps so the slow one runs without the runtime's lock: plan the manifest, pull
 * every image that is not here, and only then touch the lease's objects: store the manifest, create the network,
 * replace the lease's containers (an update; the persistent volumes stay) and let the reconciler create and start
 * the new ones. A refused manifest or an image that cannot be had leaves what runs as it is. Ending a lease removes
 * its containers, volumes, network and stored manifest.
 */
final class Deployer {
    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

    private final String owner;
    private final Clock clock;
    private final DesiredState desired;
    private final LeaseStore store;
    private final Provisioner provisioner;
    private final Sweeper sweeper;
    private final Reconciler reconciler;

    Deployer(
            String owner,
            Clock clock,
            DesiredState desired,
            LeaseStore store,
            Provisioner provisioner,
            Sweeper sweeper,
            Reconciler reconciler) {
        this.owner = owner;
        this.clock = clock;
        this.desired = desired;
        this.store = store;
        this.provisioner = provisioner;
        this.sweeper = sweeper;
        this.reconciler = reconciler;
    }

    /**
     * The plan for the lease's new manifest; empty when there is nothing to start: the lease runs this manifest
     * already, or it is refused (its status then says why).
     */
    Optional<LeasePlan> plan(String lease, List<ManifestGroup> groups) {
        String version = new Manifest(groups).version().hex();
        if (desired.plan(lease).map(p -> p.version().equals(version)).orElse(false)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManifestPlanner.plan(lease, version, groups));
        } catch (ManifestRefused e) {
            desired.refuse(lease, e.getMessage());
            return Optional.empty();
        }
    }

    /** Pulls the plan's missing images; empty if all are here, else why one cannot be had. Needs no lock. */
    Optional<String> images(LeasePlan plan) {
        for (String image : plan.replicas().stream()
                .map(LeasePlan.Replica::image)
                .distinct()
                .toList()) {
            Optional<String> missing = provisioner.image(image);
            if (missing.isPresent()) {
                return missing;
            }
        }
        return Optional.empty();
    }

    /** The lease's manifest cannot run for {@code why}; what runs stays. */
    void refuse(String lease, String why) {
        desired.refuse(lease, why);
    }

    /** Replaces what the lease runs with {@code plan}: stores the manifest, then the network and containers. */
    void apply(LeasePlan plan, List<ManifestGroup> groups) throws IOException {
        String lease = plan.lease();
        String json = JsonWriter.compact(AkashJson.manifest(new Manifest(groups)));
        store.save(lease, json.getBytes(StandardCharsets.UTF_8));
        provisioner.network(LeaseObjects.of(owner, lease), plan.version());
        reconciler.forget(sweeper.removeContainers(lease, c -> true));
        desired.run(plan);
        reconciler.tick(clock.instant(), List.of(plan));
        LOG.info(
                "lease {}: {} replica(s) of manifest {} started",
                lease,
                plan.replicas().size(),
                plan.version());
    }

    void teardown(String lease) throws IOException {
        desired.forget(lease);
        reconciler.forget(sweeper.remove(lease));
        store.delete(lease);
        LOG.info("lease {}: containers, volumes and network removed", lease);
    }
}

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
 * Starts and ends leases. Deploying plans the manifest, makes sure every image is here (pulling it), and only then
 * touches the engine: stores the manifest, creates the network, replaces the lease's containers (an update; the
 * persistent volumes stay) and lets the reconciler create and start the new ones. A refused manifest or a missing
 * image leaves what runs as it is. Ending a lease removes its containers, volumes, network and stored manifest.
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

    void deploy(String lease, List<ManifestGroup> groups) throws IOException {
        Manifest manifest = new Manifest(groups);
        String version = manifest.version().hex();
        if (desired.plan(lease).map(p -> p.version().equals(version)).orElse(false)) {
            return;
        }
        LeasePlan plan;
        try {
            plan = ManifestPlanner.plan(lease, version, groups);
        } catch (ManifestRefused e) {
            desired.refuse(lease, e.getMessage());
            return;
        }
        for (String image : plan.replicas().stream()
                .map(LeasePlan.Replica::image)
                .distinct()
                .toList()) {
            Optional<String> missing = provisioner.image(image);
            if (missing.isPresent()) {
                desired.refuse(lease, missing.get());
                return;
            }
        }
        store.save(lease, JsonWriter.compact(AkashJson.manifest(manifest)).getBytes(StandardCharsets.UTF_8));
        provisioner.network(LeaseObjects.of(owner, lease), version);
        reconciler.forget(sweeper.removeContainers(lease, c -> true));
        desired.run(plan);
        reconciler.tick(clock.instant(), List.of(plan));
        LOG.info(
                "lease {}: {} replica(s) of manifest {} started",
                lease,
                plan.replicas().size(),
                version);
    }

    void teardown(String lease) throws IOException {
        desired.forget(lease);
        reconciler.forget(sweeper.remove(lease));
        store.delete(lease);
        LOG.info("lease {}: containers, volumes and network removed", lease);
    }
}

package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.manifest.InvalidManifestException;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a restarted provider does with what the last one left: every lease with a stored manifest or with objects
 * in the engine is taken back with its plan; running containers are not touched, stopped ones are started and
 * missing ones created at once; containers of an older manifest version go. A lease whose stored manifest is
 * gone or no longer plans is removed, as is every lease no longer active on the chain.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final DesiredState desired;
    private final LeaseStore store;
    private final Sweeper sweeper;
    private final Reconciler reconciler;
    private final Deployer deployer;

    Recovery(DesiredState desired, LeaseStore store, Sweeper sweeper, Reconciler reconciler, Deployer deployer) {
        this.desired = desired;
        this.store = store;
        this.sweeper = sweeper;
        this.reconciler = reconciler;
        this.deployer = deployer;
    }

    /**
     * Takes back every lease found, and at {@code now} starts what of their plans does not run (a devnet removed
     * its containers when it stopped): when this returns, each replica has its container and host ports to route.
     */
    Set<String> adopt(java.time.Instant now) throws IOException {
        Set<String> leases = new LinkedHashSet<>(store.leases());
        leases.addAll(sweeper.leases());
        Set<String> found = new LinkedHashSet<>();
        for (String lease : leases) {
            Optional<LeasePlan> plan = storedPlan(lease);
            if (plan.isEmpty()) {
                deployer.teardown(lease);
                continue;
            }
            String version = plan.get().version();
            reconciler.forget(sweeper.removeContainers(
                    lease, c -> !version.equals(c.getLabels().get(LeaseObjects.VERSION))));
            desired.run(plan.get());
            deployer.keepGpus(lease);
            reconciler.restore(plan.get());
            found.add(lease);
        }
        reconciler.tick(now, desired.plans());
        return found;
    }

    List<String> removeOrphans(Set<String> active) throws IOException {
        Set<String> all = new LinkedHashSet<>(desired.leases());
        all.addAll(store.leases());
        all.addAll(sweeper.leases());
        List<String> removed = new ArrayList<>();
        for (String lease : all) {
            if (!active.contains(lease)) {
                deployer.teardown(lease);
                removed.add(lease);
            }
        }
        return removed;
    }

    private Optional<LeasePlan> storedPlan(String lease) throws IOException {
        Optional<byte[]> stored = store.manifest(lease);
        if (stored.isEmpty()) {
            LOG.warn("lease {}: objects in the engine but no stored manifest; removing them", lease);
            return Optional.empty();
        }
        try {
            Manifest manifest = ManifestReader.read(stored.get());
            // The lease's GPUs are the ones it held before (kept in the store), unless they are gone.
            return Optional.of(deployer.place(
                    ManifestPlanner.plan(lease, manifest.version().hex(), manifest.groups())));
        } catch (RuntimeException | ManifestRefused | InvalidManifestException e) {
            LOG.warn("lease {}: its stored manifest does not plan ({}); removing it", lease, e.getMessage());
            return Optional.empty();
        }
    }
}

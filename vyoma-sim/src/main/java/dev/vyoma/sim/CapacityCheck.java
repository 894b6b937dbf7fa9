package dev.vyoma.sim;

import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.Queries;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Volume;
import java.util.List;

/**
 * Checks, from the chain alone, that no provider is allocated past what it declared: for each provider, the
 * resources of its active leases on the ledger (each group's units times their counts, read from the ledger's
 * groups) against the capacity the scenario gave it — CPU, memory, ephemeral storage and GPUs of its model (a
 * lease asking for another model is a violation too). It does not look at the provider's {@code Inventory}, so
 * it would catch an inventory that overcommits. Totals only: where a replica sits on a node is not on chain.
 */
final class CapacityCheck {
    private final Ledger ledger;
    private final List<SimProvider> providers;

    CapacityCheck(Ledger ledger, List<SimProvider> providers) {
        this.ledger = ledger;
        this.providers = providers;
    }

    /** Throws {@link IllegalStateException} naming the provider and resource allocated past its capacity. */
    void verify(long height) {
        Queries q = new Queries(ledger.state());
        for (SimProvider p : providers) {
            long cpu = 0, memory = 0, storage = 0, gpus = 0;
            int offset = 0;
            while (true) {
                Queries.Page<Lease> page = q.activeLeasesByProvider(p.address, offset, Queries.MAX_LIMIT);
                for (Lease l : page.items()) {
                    if (l.state() != LeaseState.ACTIVE) {
                        continue;
                    }
                    GroupSpec spec = q.group(l.id().order().group())
                            .orElseThrow(() -> new IllegalStateException("lease " + l.id() + " has no group"))
                            .spec();
                    for (ResourceUnit u : spec.resources()) {
                        long n = u.count();
                        cpu += u.resources().cpu().millicores() * n;
                        memory += u.resources().memory().bytes() * n;
                        for (Volume v : u.resources().storage()) {
                            if (v.attribute("class").equals("ram")) {
                                memory += v.bytes() * n;
                            } else if (!v.persistent()) {
                                storage += v.bytes() * n;
                            }
                        }
                        long g = u.resources().gpu().units() * n;
                        if (g > 0) {
                            for (Attribute a : u.resources().gpu().attributes()) {
                                String[] k = a.key().split("/", -1);
                                String model = k.length >= 4 ? k[3] : "*";
                                if (!model.equals("*") && !model.equals(p.group.gpuModel())) {
                                    throw violation(height, p, "a lease " + l.id() + " for GPU model " + model);
                                }
                            }
                            gpus += g;
                        }
                    }
                }
                if (!page.more()) {
                    break;
                }
                offset += page.items().size();
            }
            if (cpu > p.cpuMillis) {
                throw violation(height, p, "CPU " + cpu + "m of " + p.cpuMillis + "m");
            }
            if (memory > p.memoryBytes) {
                throw violation(height, p, "memory " + memory + " B of " + p.memoryBytes + " B");
            }
            if (storage > p.storageBytes) {
                throw violation(height, p, "storage " + storage + " B of " + p.storageBytes + " B");
            }
            if (gpus > p.gpus) {
                throw violation(height, p, "GPUs " + gpus + " of " + p.gpus);
            }
        }
    }

    private static IllegalStateException violation(long height, SimProvider p, String what) {
        return new IllegalStateException(
                "block " + height + ": provider " + p.name + " is allocated past its capacity: " + what);
    }
}

package dev.vyoma.inference.gateway;

import dev.vyoma.ledger.crypto.Address;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A model's replicas and how they scale: what the routes, the relay and the supervisor share. */
final class ModelPool {
    final ModelOffer offer;
    final CopyOnWriteArrayList<Replica> replicas = new CopyOnWriteArrayList<>();
    /** Replicas being leased now. */
    final AtomicInteger starting = new AtomicInteger();

    final Scaler scaler;
    /** Providers whose replica died: a new lease avoids them. */
    final Set<Address> lost = ConcurrentHashMap.newKeySet();

    ModelPool(ModelOffer offer, Scaler scaler) {
        this.offer = offer;
        this.scaler = scaler;
    }

    /** The healthy replica with the least load not tried yet, or null. */
    Replica pick(Set<Replica> tried) {
        Replica best = null;
        for (Replica r : replicas) {
            if (r.healthy() && !tried.contains(r) && (best == null || r.load() < best.load())) {
                best = r;
            }
        }
        return best;
    }
}

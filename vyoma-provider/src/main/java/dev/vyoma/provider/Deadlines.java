package dev.vyoma.provider;

import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The provider's two waits, as Akash's provider keeps them: an open bid waits at most the bid timeout for its
 * tenant to create a lease, and a won lease waits at most the manifest timeout for its manifest. Each wait ends
 * early when what it waits for happens (or the bid or lease ends); one that runs out is handed out once by
 * {@link #due}, for the caller to close on the chain. Thread-safe; owns no thread and reads no clock: the times
 * come in as arguments. Its size is bounded by what the inventory can hold, since every bid and lease holds
 * capacity.
 */
final class Deadlines {
    /** A wait that ran out. */
    sealed interface Expired permits BidExpired, ManifestExpired {}

    /** A bid no lease took within the bid timeout. */
    record BidExpired(OrderId order, Instant deadline) implements Expired {}

    /** A won lease that got no manifest within the manifest timeout. */
    record ManifestExpired(BidId lease, Instant deadline) implements Expired {}

    private final Map<OrderId, Instant> bids = new HashMap<>();
    private final Map<BidId, Instant> manifests = new HashMap<>();

    /** The bid on {@code order} waits for a lease until {@code deadline}. */
    synchronized void bidPlaced(OrderId order, Instant deadline) {
        bids.put(order, deadline);
    }

    /** The bid on {@code order} is no longer waiting (won, lost, closed, or its order closed). */
    synchronized void bidEnded(OrderId order) {
        bids.remove(order);
    }

    /** The won {@code lease} waits for its manifest until {@code deadline}. */
    synchronized void awaitManifest(BidId lease, Instant deadline) {
        manifests.put(lease, deadline);
    }

    /** The lease's wait is over: its manifest came, or it ended. */
    synchronized void manifestWaitEnded(BidId lease) {
        manifests.remove(lease);
    }

    /** When the wait for {@code lease}'s manifest runs out, if it is waiting. */
    synchronized java.util.Optional<Instant> manifestDeadline(BidId lease) {
        return java.util.Optional.ofNullable(manifests.get(lease));
    }

    /** When the bid on {@code order} runs out, if it is waiting. */
    synchronized java.util.Optional<Instant> bidDeadline(OrderId order) {
        return java.util.Optional.ofNullable(bids.get(order));
    }

    /**
     * The waits that ran out by {@code now}, bids first, each ordered by its deadline; they are forgotten, so each
     * is handed out once (a caller that cannot act on one yet puts it back with a later deadline).
     */
    synchronized List<Expired> due(Instant now) {
        List<Expired> out = new ArrayList<>();
        List<Map.Entry<OrderId, Instant>> b = new ArrayList<>(bids.entrySet());
        b.sort(Map.Entry.comparingByValue());
        for (Map.Entry<OrderId, Instant> e : b) {
            if (!e.getValue().isAfter(now)) {
                bids.remove(e.getKey());
                out.add(new BidExpired(e.getKey(), e.getValue()));
            }
        }
        List<Map.Entry<BidId, Instant>> m = new ArrayList<>(manifests.entrySet());
        m.sort(Map.Entry.comparingByValue());
        for (Map.Entry<BidId, Instant> e : m) {
            if (!e.getValue().isAfter(now)) {
                manifests.remove(e.getKey());
                out.add(new ManifestExpired(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /** How many bids and leases are waiting. */
    synchronized int waiting() {
        return bids.size() + manifests.size();
    }
}

package dev.vyoma.ledger.sim;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The market as the simulated participants know it, kept from each block's events only: what the
 * generator picks its targets from. {@link #mismatch} compares it with the ledger's tables, so an event
 * the ledger forgets to emit (or emits wrongly) shows up as a difference.
 */
final class MarketModel {
    final IndexedSet<DeploymentId> activeDeployments = new IndexedSet<>();
    final List<DeploymentId> allDeployments = new ArrayList<>();
    final IndexedSet<OrderId> openOrders = new IndexedSet<>();
    final IndexedSet<BidId> openBids = new IndexedSet<>();
    final List<BidId> allBids = new ArrayList<>();
    final IndexedSet<BidId> activeLeases = new IndexedSet<>();
    final List<BidId> endedLeases = new ArrayList<>();
    final IndexedSet<GroupId> pausedGroups = new IndexedSet<>();
    long leasesCreated;
    long leasesRunOut;
    long deploymentsRunOut;
    long grantsGiven;
    long grantDraws;
    long grantsRevoked;

    /** Applies a block's events, in order. */
    void observe(BlockResult result) {
        for (Event e : result.events()) {
            switch (e) {
                case Event.DeploymentCreated c -> {
                    activeDeployments.add(c.id());
                    allDeployments.add(c.id());
                }
                case Event.DeploymentClosed c -> {
                    activeDeployments.remove(c.id());
                    if (c.reason().equals(CloseReason.INSUFFICIENT_FUNDS)) {
                        deploymentsRunOut++;
                    }
                }
                case Event.OrderCreated o -> openOrders.add(o.id());
                case Event.OrderClosed o -> openOrders.remove(o.id());
                case Event.BidCreated b -> {
                    openBids.add(b.id());
                    allBids.add(b.id());
                }
                case Event.BidClosed b -> openBids.remove(b.id());
                case Event.BidLost b -> openBids.remove(b.id());
                case Event.LeaseCreated l -> {
                    // The order stops being open without an OrderClosed: it is active now.
                    openOrders.remove(l.id().order());
                    openBids.remove(l.id());
                    activeLeases.add(l.id());
                    leasesCreated++;
                }
                case Event.LeaseClosed l -> {
                    activeLeases.remove(l.id());
                    endedLeases.add(l.id());
                    if (l.reason().equals(CloseReason.INSUFFICIENT_FUNDS)) {
                        leasesRunOut++;
                    }
                }
                case Event.DepositGrantCreated g -> grantsGiven++;
                case Event.DepositGrantSpent g -> grantDraws++;
                case Event.DepositGrantRevoked g -> grantsRevoked++;
                case Event.GroupPaused g -> pausedGroups.add(g.id());
                case Event.GroupStarted g -> pausedGroups.remove(g.id());
                case Event.GroupClosed g -> pausedGroups.remove(g.id());
                default -> {}
            }
        }
    }

    /** Null when this model matches the tables, else what differs. */
    String mismatch(LedgerState s) {
        Set<DeploymentId> deployments = new HashSet<>();
        s.deployments.forEachUnordered((id, d) -> {
            if (d.state() == DeploymentState.ACTIVE) {
                deployments.add(id);
            }
        });
        if (!deployments.equals(activeDeployments.toSet())) {
            return "active deployments";
        }
        if (!new HashSet<>(s.openOrders.entries()).equals(openOrders.toSet())) {
            return "open orders";
        }
        Set<BidId> bids = new HashSet<>();
        s.bids.forEachUnordered((id, b) -> {
            if (b.state() == BidState.OPEN) {
                bids.add(id);
            }
        });
        if (!bids.equals(openBids.toSet())) {
            return "open bids";
        }
        Set<BidId> leases = new HashSet<>();
        s.leases.forEachUnordered((id, l) -> {
            if (l.state() == LeaseState.ACTIVE) {
                leases.add(id);
            }
        });
        Set<BidId> indexed = new HashSet<>();
        s.providers.forEachUnordered((owner, p) -> indexed.addAll(s.activeLeasesByProvider.keys(owner)));
        if (!leases.equals(activeLeases.toSet()) || !leases.equals(indexed)) {
            return "active leases (table " + leases.size() + ", provider index " + indexed.size() + ", events "
                    + activeLeases.size() + ")";
        }
        Set<GroupId> paused = new HashSet<>();
        s.groups.forEachUnordered((id, g) -> {
            if (g.state() == GroupState.PAUSED) {
                paused.add(id);
            }
        });
        if (!paused.equals(pausedGroups.toSet())) {
            return "paused groups";
        }
        return null;
    }
}

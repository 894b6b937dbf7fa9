package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.BalanceKey;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.Escrow;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.sdl.spec.Attribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Read-only queries over the ledger state: every entity by id, and lists with filters and pagination
 * ({@code offset}, {@code limit} up to {@link #MAX_LIMIT}). Lists keyed by owner read only that owner's
 * range of the table; active leases by provider read the provider index.
 */
public final class Queries {
    /** Most items one page returns. */
    public static final int MAX_LIMIT = 1_000;

    private final LedgerState s;

    public Queries(LedgerState state) {
        this.s = state;
    }

    /** One page of results and whether more follow. */
    public record Page<T>(List<T> items, int offset, boolean more) {}

    public Optional<Deployment> deployment(DeploymentId id) {
        return s.deployments.find(id);
    }

    public Optional<Group> group(GroupId id) {
        return s.groups.find(id);
    }

    public Optional<Order> order(OrderId id) {
        return s.orders.find(id);
    }

    public Optional<Bid> bid(BidId id) {
        return s.bids.find(id);
    }

    public Optional<Lease> lease(BidId id) {
        return s.leases.find(id);
    }

    public Optional<Provider> provider(Address owner) {
        return s.providers.find(owner);
    }

    /** An escrow account as stored, or as it will be at {@code height} if nothing else changes it. */
    public Optional<EscrowAccount> escrow(DeploymentId id, long height) {
        return s.escrow.find(id).map(a -> Escrow.projected(a, height));
    }

    public long balance(Address owner, String denom) {
        return s.balances.find(new BalanceKey(owner, denom)).orElse(0L);
    }

    /** Every non-zero balance of an account. */
    public List<Coin> balances(Address owner) {
        List<Coin> out = new ArrayList<>();
        for (Map.Entry<BalanceKey, Long> e :
                s.balances.range(new BalanceKey(owner, ""), new BalanceKey(owner, "\uffff"))) {
            out.add(new Coin(e.getKey().denom(), e.getValue()));
        }
        return out;
    }

    /** An owner's deployments, optionally only those in {@code state}. */
    public Page<Deployment> deploymentsByOwner(Address owner, DeploymentState state, int offset, int limit) {
        List<Deployment> all =
                s.deployments.values(new DeploymentId(owner, 1), new DeploymentId(owner, Long.MAX_VALUE));
        return page(all, d -> state == null || d.state() == state, offset, limit);
    }

    /** Orders open for bids, oldest deployment first. */
    public Page<Order> openOrders(int offset, int limit) {
        List<Order> out = new ArrayList<>();
        int skipped = 0;
        for (OrderId id : s.openOrders.view().keySet()) {
            if (skipped++ < offset) {
                continue;
            }
            if (out.size() == clamp(limit)) {
                return new Page<>(out, offset, true);
            }
            out.add(s.orders.get(id));
        }
        return new Page<>(out, offset, false);
    }

    /** Bids on an order. */
    public List<Bid> bidsByOrder(OrderId order) {
        return s.bids.values(BidId.first(order), BidId.first(new OrderId(order.group(), order.oseq() + 1)));
    }

    /** A provider's bids (a scan of all bids; fine for devnets, indexed in a later version). */
    public Page<Bid> bidsByProvider(Address provider, int offset, int limit) {
        return page(
                new ArrayList<>(s.bids.view().values()), b -> b.id().provider().equals(provider), offset, limit);
    }

    /** A tenant's leases, optionally only in {@code state}. */
    public Page<Lease> leasesByOwner(Address owner, LeaseState state, int offset, int limit) {
        List<Lease> all = s.leases.values(
                BidId.first(new DeploymentId(owner, 1)), BidId.first(new DeploymentId(owner, Long.MAX_VALUE)));
        return page(all, l -> state == null || l.state() == state, offset, limit);
    }

    /** A provider's active leases, from the provider index. */
    public Page<Lease> activeLeasesByProvider(Address provider, int offset, int limit) {
        List<Lease> out = new ArrayList<>();
        var from = new LedgerState.ProviderLease(provider, BidId.first(new DeploymentId(Address.MIN, 1)));
        int skipped = 0;
        for (var key : s.activeLeasesByProvider.view().tailMap(from, true).keySet()) {
            if (!key.provider().equals(provider)) {
                break;
            }
            if (skipped++ < offset) {
                continue;
            }
            if (out.size() == clamp(limit)) {
                return new Page<>(out, offset, true);
            }
            out.add(s.leases.get(key.lease()));
        }
        return new Page<>(out, offset, false);
    }

    /** Providers that have every attribute in {@code required} (exact key and value). */
    public Page<Provider> providers(List<Attribute> required, int offset, int limit) {
        return page(
                new ArrayList<>(s.providers.view().values()),
                p -> p.attributes().containsAll(required),
                offset,
                limit);
    }

    private static <T> Page<T> page(List<T> all, Predicate<T> filter, int offset, int limit) {
        int max = clamp(limit);
        List<T> out = new ArrayList<>();
        int seen = 0;
        for (T t : all) {
            if (!filter.test(t)) {
                continue;
            }
            if (seen++ < offset) {
                continue;
            }
            if (out.size() == max) {
                return new Page<>(out, offset, true);
            }
            out.add(t);
        }
        return new Page<>(out, offset, false);
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, MAX_LIMIT));
    }
}

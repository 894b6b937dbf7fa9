package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.DepositGrant;
import dev.vyoma.ledger.deployment.DepositGrantId;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.inference.GatewaySettlement;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.inference.InferenceChargeRecord;
import dev.vyoma.ledger.machine.Escrow;
import dev.vyoma.ledger.machine.LedgerState;
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
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Read-only queries over the ledger state: every entity by id, and lists with filters and pagination
 * ({@code offset}, {@code limit} up to {@link #MAX_LIMIT}). Lists by owner, provider or order read the
 * state's indexes ({@link LedgerState}), so their cost follows the owner's share, not the table.
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
        return s.accounts.find(owner).map(a -> a.balance(denom)).orElse(0L);
    }

    /** Every non-zero balance of an account. */
    public List<Coin> balances(Address owner) {
        return s.accounts.find(owner).map(Account::coins).orElse(List.of());
    }

    /** An owner's deployments, optionally only those in {@code state}. */
    public Page<Deployment> deploymentsByOwner(Address owner, DeploymentState state, int offset, int limit) {
        return page(
                s.deploymentsByOwner.keys(owner),
                s.deployments::get,
                d -> state == null || d.state() == state,
                offset,
                limit);
    }

    /** Orders open for bids, oldest deployment first. */
    public Page<Order> openOrders(int offset, int limit) {
        List<Order> out = new ArrayList<>();
        int skipped = 0;
        for (OrderId id : s.openOrders.rowKeys()) {
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
        List<Bid> out = new ArrayList<>();
        for (BidId id : s.bidsByOrder.keys(order)) {
            out.add(s.bids.get(id));
        }
        return out;
    }

    /** A provider's live bids (open or active), from the provider index; lost and closed bids are left out. */
    public Page<Bid> bidsByProvider(Address provider, int offset, int limit) {
        return page(s.bidsByProvider.keys(provider), s.bids::get, b -> true, offset, limit);
    }

    /** A tenant's leases, optionally only in {@code state}. */
    public Page<Lease> leasesByOwner(Address owner, LeaseState state, int offset, int limit) {
        return page(
                s.leasesByOwner.keys(owner), s.leases::get, l -> state == null || l.state() == state, offset, limit);
    }

    /** A provider's active leases, from the provider index. */
    public Page<Lease> activeLeasesByProvider(Address provider, int offset, int limit) {
        return page(s.activeLeasesByProvider.keys(provider), s.leases::get, l -> true, offset, limit);
    }

    /** An owner's certificates that are not revoked (the table is walked: there are few). */
    public List<dev.vyoma.ledger.cert.Certificate> activeCertificates(Address owner) {
        List<dev.vyoma.ledger.cert.Certificate> out = new ArrayList<>();
        for (dev.vyoma.ledger.cert.Certificate c : s.certificates.sortedValues()) {
            if (c.id().owner().equals(owner) && !c.revoked()) {
                out.add(c);
            }
        }
        return out;
    }

    /** Providers that have every attribute in {@code required} (exact key and value). */
    public Page<Provider> providers(List<Attribute> required, int offset, int limit) {
        return page(s.providers.sortedValues(), p -> p.attributes().containsAll(required), offset, limit);
    }

    /** The deposit grant from {@code granter} to {@code grantee}. */
    public Optional<DepositGrant> depositGrant(Address granter, Address grantee) {
        return s.depositGrants.find(new DepositGrantId(granter, grantee));
    }

    /** The deposit grants {@code granter} has given, by grantee (expired ones included: they show their expiry). */
    public Page<DepositGrant> depositGrantsByGranter(Address granter, int offset, int limit) {
        return page(s.depositGrantsByGranter.keys(granter), s.depositGrants::get, g -> true, offset, limit);
    }

    /** The deposit grants {@code grantee} may draw on, by granter. */
    public Page<DepositGrant> depositGrantsByGrantee(Address grantee, int offset, int limit) {
        return page(s.depositGrantsByGrantee.keys(grantee), s.depositGrants::get, g -> true, offset, limit);
    }

    /** An inference account. */
    public Optional<InferenceAccount> inferenceAccount(InferenceAccountId id) {
        return s.inferenceAccounts.find(id);
    }

    /** The inference accounts a gateway may charge, optionally only those in {@code state}. */
    public Page<InferenceAccount> inferenceAccountsByGateway(
            Address gateway, InferenceAccountState state, int offset, int limit) {
        return page(
                s.inferenceAccountsByGateway.keys(gateway),
                s.inferenceAccounts::get,
                a -> state == null || a.state() == state,
                offset,
                limit);
    }

    /** An owner's inference accounts. */
    public Page<InferenceAccount> inferenceAccountsByOwner(Address owner, int offset, int limit) {
        return page(s.inferenceAccountsByOwner.keys(owner), s.inferenceAccounts::get, a -> true, offset, limit);
    }

    /** An inference account's settled charges, oldest batch first. */
    public Page<InferenceChargeRecord> inferenceCharges(InferenceAccountId id, int offset, int limit) {
        return page(s.inferenceChargesByAccount.keys(id), s.inferenceCharges::get, c -> true, offset, limit);
    }

    /** A gateway's settlement progress (its last batch). */
    public Optional<GatewaySettlement> inferenceGateway(Address gateway) {
        return s.inferenceGateways.find(gateway);
    }

    /** A page of the values of {@code keys} (in their order) that pass {@code filter}, looked up as needed. */
    private static <K, T> Page<T> page(
            List<K> keys, Function<K, T> lookup, Predicate<T> filter, int offset, int limit) {
        int max = clamp(limit);
        List<T> out = new ArrayList<>();
        int seen = 0;
        for (K key : keys) {
            T t = lookup.apply(key);
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

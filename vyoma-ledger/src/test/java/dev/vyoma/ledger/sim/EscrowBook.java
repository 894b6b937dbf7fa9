package dev.vyoma.ledger.sim;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent account of every escrow, kept from the events alone and checked to the micro-unit:
 * a closed account has paid out and refunded exactly what was deposited, refunds go only to depositors
 * (and to the owner the fractions of a micro-unit its closed leases gave back),
 * a lease pays only its own provider, a lease that ends with its escrow still funded has paid exactly the
 * whole micro-units of price × blocks, and a deployment runs out neither early (with more than fractions
 * left to refund) nor late (when the funds already covered the block before). The maps are only looked
 * up, never iterated.
 */
final class EscrowBook {
    /** One open escrow account. */
    private static final class Account {
        long deposited;
        long paid;
        long refunded;
        final Set<Address> depositors = new HashSet<>();
        final List<Lease> leases = new ArrayList<>();
    }

    /** One lease of an account: its price, the heights it ran between, what its provider was paid. */
    private static final class Lease {
        final BigDecimal price;
        final long createdAt;
        long closedAt = Long.MAX_VALUE;
        long paid;

        Lease(BigDecimal price, long createdAt) {
            this.price = price;
            this.createdAt = createdAt;
        }

        /** What the lease accrued by {@code height}, exactly. */
        BigDecimal accrued(long height) {
            long blocks = Math.min(closedAt, height) - createdAt;
            return blocks <= 0 ? BigDecimal.ZERO : price.multiply(BigDecimal.valueOf(blocks));
        }
    }

    private final Map<DeploymentId, Account> accounts = new HashMap<>();
    private final Map<BidId, Lease> activeLeases = new HashMap<>();

    /** Books a block's events; returns null, or the first thing they got wrong about money. */
    String observe(BlockResult result) {
        long h = result.height();
        for (Event e : result.events()) {
            String problem = switch (e) {
                case Event.EscrowDeposit d -> {
                    Account a = account(d.account());
                    a.deposited += d.amount().amount();
                    a.depositors.add(d.depositor());
                    yield null;
                }
                case Event.LeaseCreated l -> {
                    Lease lease = new Lease(l.price().amount(), h);
                    activeLeases.put(l.id(), lease);
                    account(l.id().deployment()).leases.add(lease);
                    yield null;
                }
                case Event.EscrowPayment p -> payment(p);
                case Event.EscrowRefund r -> {
                    Account a = account(r.account());
                    a.refunded += r.amount().amount();
                    // The owner of a deployment funded by a grant deposited nothing, but gets the fractions its
                    // closed leases gave back: less than one micro-unit each.
                    boolean fractions = r.depositor().equals(r.account().owner())
                            && r.amount().amount() <= a.leases.size();
                    yield a.depositors.contains(r.depositor()) || fractions
                            ? null
                            : r.account() + " refunded " + r.amount() + " to " + r.depositor()
                                    + ", who never deposited";
                }
                case Event.LeaseClosed l -> leaseClosed(l, h);
                case Event.DeploymentClosed c -> deploymentClosed(c, h);
                default -> null;
            };
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private Account account(DeploymentId id) {
        return accounts.computeIfAbsent(id, k -> new Account());
    }

    private String payment(Event.EscrowPayment p) {
        account(p.lease().deployment()).paid += p.amount().amount();
        Lease lease = activeLeases.get(p.lease());
        if (lease == null) {
            return "a payment to lease " + p.lease() + ", which is not active";
        }
        lease.paid += p.amount().amount();
        return p.provider().equals(p.lease().provider()) ? null : "lease " + p.lease() + " paid " + p.provider();
    }

    private String leaseClosed(Event.LeaseClosed closed, long h) {
        Lease lease = activeLeases.remove(closed.id());
        if (lease == null) {
            return "lease " + closed.id() + " closed but was not active";
        }
        lease.closedAt = h;
        long earned = lease.accrued(h).setScale(0, RoundingMode.FLOOR).longValueExact();
        boolean ranOut = closed.reason().equals(CloseReason.INSUFFICIENT_FUNDS);
        if (ranOut ? lease.paid > earned : lease.paid != earned) {
            return "lease " + closed.id() + " at " + lease.price.toPlainString() + " per block from height "
                    + lease.createdAt + " to " + h + " (" + closed.reason() + ") paid " + lease.paid + ", earned "
                    + earned;
        }
        return null;
    }

    private String deploymentClosed(Event.DeploymentClosed closed, long h) {
        Account a = accounts.remove(closed.id());
        if (a == null) {
            return null; // the generator never saw it funded: nothing to compare
        }
        if (a.deposited != a.paid + a.refunded) {
            return closed.id() + " closed (" + closed.reason() + ") with " + a.deposited + " deposited but " + a.paid
                    + " paid and " + a.refunded + " refunded";
        }
        if (!closed.reason().equals(CloseReason.INSUFFICIENT_FUNDS)) {
            return null;
        }
        // Run out at h: every micro-unit is spent but the fractions its payments gave back (less than one
        // each), and the block before, the deposits plus those fractions still covered what had accrued.
        int leases = a.leases.size();
        if (a.refunded > leases) {
            return closed.id() + " ran out at height " + h + " but refunded " + a.refunded + " of " + a.deposited + " ("
                    + leases + " leases)";
        }
        BigDecimal before = BigDecimal.ZERO;
        for (Lease lease : a.leases) {
            before = before.add(lease.accrued(h - 1));
        }
        if (before.compareTo(BigDecimal.valueOf(a.deposited + leases)) >= 0) {
            return closed.id() + " ran out at height " + h + " but by height " + (h - 1) + " its leases had accrued "
                    + before.toPlainString() + " of " + a.deposited + " deposited: it ran out late";
        }
        return null;
    }
}

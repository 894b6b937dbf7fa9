package dev.vyoma.ledger;

import static dev.vyoma.ledger.base.Invariant.check;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.escrow.RunOutKey;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.OrderId;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Properties the ledger's state always has. {@link #check(boolean, String)} is always on (not the
 * {@code assert} keyword); {@link #verify(LedgerState)} walks the whole state and is what tests and the
 * simulator run after every block.
 */
public final class Invariants {
    private Invariants() {}

    /**
     * Every index of every table holds exactly what the table's rows imply, in order. It rebuilds each index
     * to compare, so it costs more than {@link #verify}; tests run it every few hundred blocks.
     */
    public static void verifyIndexes(LedgerState s) {
        try {
            s.store.verifyIndexes();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("ledger invariant violated: " + e.getMessage(), e);
        }
    }

    /**
     * Per denomination, balances + fees + escrow funds + unwithdrawn payments + held bid deposits equal
     * the genesis supply, exactly; no escrow is negative; no active lease belongs to a closed deployment;
     * an order has at most one active lease; every open account with a rate is in the run-out index; every
     * deposit grant has spent no more than its limit.
     */
    public static void verify(LedgerState s) {
        Map<String, BigDecimal> total = new TreeMap<>();
        s.accounts.forEachUnordered((address, a) -> {
            for (Coin c : a.coins()) {
                check(c.amount() > 0, "stored balances are positive");
                total.merge(c.denom(), BigDecimal.valueOf(c.amount()), BigDecimal::add);
            }
        });
        s.fees.forEachUnordered((denom, v) -> total.merge(denom, BigDecimal.valueOf(v), BigDecimal::add));
        Set<RunOutKey> expected = new HashSet<>();
        s.escrow.forEachUnordered((id, a) -> {
            check(a.funds().signum() >= 0, () -> "escrow " + a.id() + " is not negative");
            total.merge(a.denom(), a.funds(), BigDecimal::add);
            if (a.state() == AccountState.OPEN && a.totalRate().signum() > 0) {
                expected.add(new RunOutKey(a.runOutHeight(), a.id()));
            }
        });
        check(
                expected.equals(new HashSet<>(s.runOuts.entries())) && expected.size() == s.runOuts.size(),
                "run-out index matches the open accounts");
        s.payments.forEachUnordered((id, p) -> {
            if (p.state() == PaymentState.OPEN) {
                String denom = s.escrow.get(p.lease().deployment()).denom();
                total.merge(denom, p.balance(), BigDecimal::add);
            } else {
                check(p.balance().signum() == 0, "closed payments hold nothing");
            }
        });
        s.bids.forEachUnordered((id, b) -> {
            if (b.state() == BidState.OPEN || b.state() == BidState.ACTIVE) {
                total.merge(b.deposit().denom(), BigDecimal.valueOf(b.deposit().amount()), BigDecimal::add);
            }
        });
        s.inferenceAccounts.forEachUnordered((id, a) -> {
            if (a.state() == dev.vyoma.ledger.inference.InferenceAccountState.OPEN) {
                total.merge(a.denom(), BigDecimal.valueOf(a.balance()), BigDecimal::add);
            } else {
                check(
                        a.balance() == 0 && a.carryPico() == 0,
                        () -> "closed inference account " + id + " holds nothing");
            }
            check(
                    a.state() != dev.vyoma.ledger.inference.InferenceAccountState.OPEN
                            || a.depositedTotal() - a.chargedTotal() == a.balance(),
                    () -> "open inference account " + id + " holds what was deposited and not charged");
        });
        // Grants hold no coins (a grant is a permission; what it paid is in the escrow accounts), so they add
        // nothing to the supply; each has spent no more than its limit, in the deposit denomination.
        String depositDenom = s.params().depositDenom();
        s.depositGrants.forEachUnordered((id, g) -> {
            check(!id.granter().equals(id.grantee()), () -> "deposit grant " + id + " is between two accounts");
            check(id.equals(g.id()), () -> "deposit grant " + id + " is stored under its own id");
            check(
                    g.spentMicro() >= 0 && g.spentMicro() <= g.spendLimit().amount(),
                    () -> "deposit grant " + id + " has spent " + g.spentMicro() + ", within its limit "
                            + g.spendLimit());
            check(
                    g.spendLimit().denom().equals(depositDenom),
                    () -> "deposit grant " + id + " is in the deposit denomination");
        });
        Set<String> denoms = new HashSet<>(total.keySet());
        s.supply.forEachUnordered((denom, v) -> denoms.add(denom));
        for (String denom : denoms) {
            BigDecimal have = total.getOrDefault(denom, BigDecimal.ZERO);
            long supply = s.supply.find(denom).orElse(0L);
            check(
                    have.compareTo(BigDecimal.valueOf(supply)) == 0,
                    () -> "supply of " + denom + " is " + supply + ", accounted " + have.toPlainString());
        }
        Set<OrderId> leased = new HashSet<>();
        s.leases.forEachUnordered((id, l) -> {
            if (l.state() == LeaseState.ACTIVE) {
                Deployment d = s.deployments.get(l.id().deployment());
                check(
                        d.state() == DeploymentState.ACTIVE,
                        () -> "active lease " + l.id() + " belongs to an active deployment");
                check(leased.add(l.id().order()), () -> "order " + l.id().order() + " has one active lease");
            }
        });
    }
}

package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.escrow.Depositor;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.Payment;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.escrow.RunOutKey;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Escrow accounts and payments. Accrual is exact: a payment earns {@code rate × blocks} with all 18
 * decimals, a provider is paid the whole micro-units of what it has earned and keeps the fraction for
 * later, and what is left of a fraction when a payment closes goes back to the tenant. Whenever an
 * account's funds or rate change, the height at which its funds run out is recomputed and kept in an
 * ordered index; the ledger closes the deployment at exactly that height.
 */
public final class Escrow {
    /** Decimal places of every escrow amount. */
    public static final int SCALE = DecCoin.SCALE;

    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(SCALE);

    private Escrow() {}

    /** {@code v} micro-units as an exact decimal. */
    public static BigDecimal dec(long v) {
        return BigDecimal.valueOf(v).setScale(SCALE);
    }

    /**
     * Opens a deployment's account with its first deposit, taken from {@code depositor}: the owner, or the
     * granter whose grant paid it, to whom what is left of it is refunded.
     */
    public static void open(Context ctx, DeploymentId id, Address depositor, Coin deposit) {
        Rejected.unless(
                !ctx.state().escrow.contains(id),
                ErrorCode.DEPLOYMENT_EXISTS,
                () -> "escrow account " + id + " exists");
        Bank.debit(ctx, depositor, deposit, "the deployment deposit");
        EscrowAccount acc = new EscrowAccount(
                id,
                id.owner(),
                AccountState.OPEN,
                deposit.denom(),
                dec(deposit.amount()),
                List.of(new Depositor(depositor, dec(deposit.amount()))),
                ctx.height(),
                ZERO,
                0);
        ctx.state().escrow.put(id, acc);
        ctx.emit(new Event.EscrowDeposit(id, depositor, deposit));
    }

    /** Adds a deposit from anyone; it is refunded to them, first in first out, if unspent. */
    public static void deposit(Context ctx, DeploymentId id, Address depositor, Coin amount) {
        EscrowAccount acc = open(ctx, id);
        Rejected.unless(
                amount.denom().equals(acc.denom()),
                ErrorCode.INVALID_DENOMINATION,
                () -> "deployment " + id + " is funded in " + acc.denom() + ", not " + amount.denom());
        Rejected.unless(amount.amount() > 0, ErrorCode.INVALID_COINS, "deposit a positive amount");
        Bank.debit(ctx, depositor, amount, "this deposit");
        List<Depositor> depositors = new ArrayList<>(acc.depositors());
        depositors.add(new Depositor(depositor, dec(amount.amount())));
        save(ctx, with(acc, acc.funds().add(dec(amount.amount())), depositors, acc.settledAt(), acc.totalRate()));
        ctx.emit(new Event.EscrowDeposit(id, depositor, amount));
    }

    /**
     * Starts paying {@code rate} per block from the deployment's account to a lease. The account must
     * hold at least one block's worth.
     */
    public static void createPayment(Context ctx, BidId lease, DecCoin rate) {
        DeploymentId id = lease.deployment();
        EscrowAccount acc = settle(ctx, open(ctx, id));
        Rejected.unless(
                rate.denom().equals(acc.denom()),
                ErrorCode.INVALID_DENOMINATION,
                () -> "the bid is priced in " + rate.denom() + " but deployment " + id + " is funded in "
                        + acc.denom());
        Rejected.unless(rate.amount().signum() > 0, ErrorCode.BID_ZERO_PRICE, "the lease price must be positive");
        Rejected.unless(
                acc.funds().compareTo(rate.amount()) >= 0,
                ErrorCode.INSUFFICIENT_FUNDS,
                () -> "deployment " + id + " escrow holds " + plain(acc.funds()) + acc.denom()
                        + ", less than one block of the lease (" + plain(rate.amount()) + "); deposit more first");
        Rejected.unless(
                !ctx.state().payments.contains(lease),
                ErrorCode.INVALID_REQUEST,
                () -> "lease " + lease + " was paid before");
        ctx.state().payments.put(lease, new Payment(lease, PaymentState.OPEN, rate.amount(), ZERO, 0));
        save(
                ctx,
                with(
                        acc,
                        acc.funds(),
                        acc.depositors(),
                        acc.settledAt(),
                        acc.totalRate().add(rate.amount())));
    }

    /** Pays a lease's provider the whole micro-units it has earned up to this block. */
    public static void withdraw(Context ctx, BidId lease) {
        Payment p = ctx.state().payments.get(lease);
        Rejected.unless(
                p != null && p.state() == PaymentState.OPEN,
                ErrorCode.PAYMENT_CLOSED,
                () -> "lease " + lease + " has no open payment");
        EscrowAccount acc = settle(ctx, open(ctx, lease.deployment()));
        save(ctx, acc);
        payOut(ctx, ctx.state().payments.get(lease), acc.denom());
    }

    /** Ends a lease's payment: settles, pays the provider's whole micro-units, returns the fraction to the account. */
    public static void closePayment(Context ctx, BidId lease) {
        Payment p = ctx.state().payments.get(lease);
        if (p == null || p.state() != PaymentState.OPEN) {
            return;
        }
        EscrowAccount acc = settle(ctx, ctx.state().escrow.get(lease.deployment()));
        Payment settled = payOut(ctx, ctx.state().payments.get(lease), acc.denom());
        ctx.state()
                .payments
                .put(lease, new Payment(lease, PaymentState.CLOSED, settled.rate(), ZERO, settled.withdrawn()));
        save(
                ctx,
                with(
                        acc,
                        acc.funds().add(settled.balance()),
                        acc.depositors(),
                        acc.settledAt(),
                        acc.totalRate().subtract(settled.rate())));
    }

    /**
     * Closes an account: its open payments are settled, paid and closed, then every depositor gets back
     * the whole micro-units left of its deposit and the owner gets the rest.
     */
    public static void closeAccount(Context ctx, DeploymentId id, AccountState finalState) {
        EscrowAccount acc = ctx.state().escrow.get(id);
        if (acc == null || acc.state() != AccountState.OPEN) {
            return;
        }
        for (Payment p : openPayments(ctx, id)) {
            closePayment(ctx, p.lease());
        }
        acc = ctx.state().escrow.get(id);
        BigDecimal left = acc.funds();
        for (Depositor d : acc.depositors()) {
            long whole = d.remaining().setScale(0, RoundingMode.DOWN).longValueExact();
            refund(ctx, id, d.owner(), whole, acc.denom());
            left = left.subtract(dec(whole));
        }
        // What is not attributed to a depositor (fractions returned by closed payments) is the owner's;
        // with every payment closed it adds up to whole micro-units.
        long rest = left.setScale(0, RoundingMode.DOWN).longValueExact();
        refund(ctx, id, acc.owner(), rest, acc.denom());
        BigDecimal dust = left.subtract(dec(rest));
        if (dust.signum() != 0) {
            throw new IllegalStateException("escrow " + id + " closes with a fraction of a micro-unit: " + dust);
        }
        ctx.state()
                .escrow
                .put(
                        id,
                        new EscrowAccount(
                                id, acc.owner(), finalState, acc.denom(), ZERO, List.of(), acc.settledAt(), ZERO, 0));
    }

    /** Accounts whose funds run out at or before {@code height}, in index order. */
    public static List<DeploymentId> dueRunOuts(Context ctx) {
        RunOutKey first = ctx.state().runOuts.first();
        if (first == null || first.height() > ctx.height()) {
            return List.of();
        }
        return ctx.state().runOuts.upTo(RunOutKey.last(ctx.height()));
    }

    /** Open payments of a deployment's account, in lease order. */
    public static List<Payment> openPayments(Context ctx, DeploymentId id) {
        List<BidId> leases = ctx.state().openPaymentsByDeployment.keys(id);
        List<Payment> out = new ArrayList<>(leases.size());
        for (BidId lease : leases) {
            out.add(ctx.state().payments.get(lease));
        }
        return out;
    }

    /**
     * Brings an account up to the current height: each open payment, in lease order, earns its rate
     * times the blocks since the last settlement, paid from the deposits first in first out. Funds never
     * go below zero: at the run-out height the last payments get what is left.
     */
    public static EscrowAccount settle(Context ctx, EscrowAccount acc) {
        long blocks = ctx.height() - acc.settledAt();
        if (blocks <= 0 || acc.totalRate().signum() == 0 || acc.state() != AccountState.OPEN) {
            return blocks > 0 ? with(acc, acc.funds(), acc.depositors(), ctx.height(), acc.totalRate()) : acc;
        }
        BigDecimal funds = acc.funds();
        List<Depositor> depositors = new ArrayList<>(acc.depositors());
        BigDecimal n = BigDecimal.valueOf(blocks);
        for (Payment p : openPayments(ctx, acc.id())) {
            BigDecimal owed = p.rate().multiply(n).setScale(SCALE, RoundingMode.UNNECESSARY);
            BigDecimal paid = owed.min(funds);
            funds = funds.subtract(paid);
            spend(depositors, paid);
            ctx.state()
                    .payments
                    .put(
                            p.lease(),
                            new Payment(
                                    p.lease(), p.state(), p.rate(), p.balance().add(paid), p.withdrawn()));
        }
        EscrowAccount settled = with(acc, funds, depositors, ctx.height(), acc.totalRate());
        ctx.state().escrow.put(acc.id(), settled);
        return settled;
    }

    /** What a provider could withdraw now, and what the account would hold, without changing state. */
    public static EscrowAccount projected(EscrowAccount acc, long height) {
        long blocks = Math.max(0, height - acc.settledAt());
        BigDecimal spent = acc.totalRate().multiply(BigDecimal.valueOf(blocks)).min(acc.funds());
        return with(acc, acc.funds().subtract(spent), acc.depositors(), acc.settledAt() + blocks, acc.totalRate());
    }

    private static Payment payOut(Context ctx, Payment p, String denom) {
        long earned = p.balance().setScale(0, RoundingMode.DOWN).longValueExact();
        if (earned == 0) {
            return p;
        }
        Bank.credit(ctx, p.lease().provider(), new Coin(denom, earned));
        Payment paid =
                new Payment(p.lease(), p.state(), p.rate(), p.balance().subtract(dec(earned)), p.withdrawn() + earned);
        ctx.state().payments.put(p.lease(), paid);
        ctx.emit(new Event.EscrowPayment(p.lease(), p.lease().provider(), new Coin(denom, earned)));
        return paid;
    }

    private static void refund(Context ctx, DeploymentId id, Address to, long amount, String denom) {
        if (amount > 0) {
            Bank.credit(ctx, to, new Coin(denom, amount));
            ctx.emit(new Event.EscrowRefund(id, to, new Coin(denom, amount)));
        }
    }

    /** Takes {@code amount} from the deposits in order; a fraction returned by a payment may cover the end. */
    private static void spend(List<Depositor> depositors, BigDecimal amount) {
        BigDecimal left = amount;
        while (left.signum() > 0 && !depositors.isEmpty()) {
            Depositor d = depositors.get(0);
            BigDecimal take = d.remaining().min(left);
            left = left.subtract(take);
            BigDecimal remaining = d.remaining().subtract(take);
            if (remaining.signum() == 0) {
                depositors.remove(0);
            } else {
                depositors.set(0, new Depositor(d.owner(), remaining));
            }
        }
    }

    private static EscrowAccount open(Context ctx, DeploymentId id) {
        EscrowAccount acc = ctx.state().escrow.get(id);
        Rejected.unless(acc != null, ErrorCode.ACCOUNT_NOT_FOUND, () -> "deployment " + id + " has no escrow account");
        Rejected.unless(
                acc.state() == AccountState.OPEN, ErrorCode.ACCOUNT_CLOSED, () -> "deployment " + id + " is closed");
        return acc;
    }

    private static EscrowAccount with(
            EscrowAccount a, BigDecimal funds, List<Depositor> depositors, long settledAt, BigDecimal totalRate) {
        return new EscrowAccount(
                a.id(), a.owner(), a.state(), a.denom(), funds, depositors, settledAt, totalRate, a.runOutHeight());
    }

    /**
     * Saves an account with its run-out height recomputed; the run-out index follows the stored height
     * ({@code LedgerState.runOuts}).
     */
    private static void save(Context ctx, EscrowAccount acc) {
        long runOut = 0;
        if (acc.state() == AccountState.OPEN && acc.totalRate().signum() > 0) {
            BigDecimal blocks = acc.funds().divide(acc.totalRate(), 0, RoundingMode.CEILING);
            long b = blocks.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0
                    ? Long.MAX_VALUE / 2
                    : blocks.longValueExact();
            runOut = Math.max(acc.settledAt() + b, ctx.height() + 1);
        }
        ctx.state()
                .escrow
                .put(
                        acc.id(),
                        new EscrowAccount(
                                acc.id(),
                                acc.owner(),
                                acc.state(),
                                acc.denom(),
                                acc.funds(),
                                acc.depositors(),
                                acc.settledAt(),
                                acc.totalRate(),
                                runOut));
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}

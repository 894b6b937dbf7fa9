package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DepositGrant;
import dev.vyoma.ledger.deployment.DepositGrantId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import java.time.LocalDate;

/**
 * Deposit grants, as Akash's deposit authorization: a granter lets a grantee (a tenant) fund the grantee's
 * own deployments from the granter's balance, up to a spend limit in the deposit denomination, until an
 * optional expiry in block time. A deposit drawn from a grant is the granter's deposit in the escrow
 * account, so what is left of it when the deployment closes goes back to the granter's balance (the grant's
 * limit is not restored). Granting again replaces the grant, its limit counting from zero; the granter may
 * revoke it at any time, which leaves deposits already made where they are.
 */
public final class DepositGrants {
    /** Most grants one granter may hold at once; each costs a fee, but state should not grow without bound. */
    public static final int MAX_GRANTS_PER_GRANTER = 256;

    /** The latest expiry accepted: the last millisecond of the year 9999, the most an ISO-8601 date spells. */
    public static final long MAX_EXPIRES_AT_MILLIS = 253_402_300_799_999L;

    private DepositGrants() {}

    static void grant(Context ctx, Msg.GrantDeposit m) {
        String denom = ctx.params().depositDenom();
        Rejected.unless(
                !m.granter().equals(m.grantee()),
                ErrorCode.GRANTEE_IS_GRANTER,
                "the grantee must be another account than the granter; fund your own deployments directly");
        Rejected.unless(
                m.spendLimit().denom().equals(denom),
                ErrorCode.INVALID_COINS,
                () -> "a deposit grant's spend limit is in the deposit denomination " + denom + ", not "
                        + m.spendLimit().denom());
        Rejected.unless(
                m.spendLimit().amount() > 0, ErrorCode.INVALID_COINS, "a deposit grant's spend limit must be positive");
        Rejected.unless(
                m.expiresAtMillis() == 0 || m.expiresAtMillis() > ctx.timeMillis(),
                ErrorCode.GRANT_EXPIRATION_INVALID,
                () -> "the expiry " + time(m.expiresAtMillis()) + " is not after the current block time "
                        + time(ctx.timeMillis()) + "; pick a later time or none");
        Rejected.unless(
                m.expiresAtMillis() <= MAX_EXPIRES_AT_MILLIS,
                ErrorCode.GRANT_EXPIRATION_INVALID,
                "the expiry is after the year 9999; pick an earlier time or none");
        DepositGrantId id = new DepositGrantId(m.granter(), m.grantee());
        Rejected.unless(
                ctx.state().depositGrants.contains(id)
                        || ctx.state().depositGrantsByGranter.count(m.granter()) < MAX_GRANTS_PER_GRANTER,
                ErrorCode.INVALID_REQUEST,
                () -> m.granter() + " already holds " + MAX_GRANTS_PER_GRANTER
                        + " deposit grants, the most allowed; revoke one first");
        ctx.state().depositGrants.put(id, new DepositGrant(id, m.spendLimit(), 0, m.expiresAtMillis(), ctx.height()));
        ctx.emit(new Event.DepositGrantCreated(m.granter(), m.grantee(), m.spendLimit(), m.expiresAtMillis()));
    }

    static void revoke(Context ctx, Msg.RevokeDepositGrant m) {
        DepositGrantId id = new DepositGrantId(m.granter(), m.grantee());
        Rejected.unless(
                ctx.state().depositGrants.contains(id),
                ErrorCode.GRANT_NOT_FOUND,
                () -> m.granter() + " has no deposit grant to " + m.grantee());
        ctx.state().depositGrants.remove(id);
        ctx.emit(new Event.DepositGrantRevoked(m.granter(), m.grantee()));
    }

    /**
     * Takes {@code amount} off the grant from {@code granter} to the owner of {@code deployment}, or rejects:
     * no such grant, expired, another denomination, or more than it has left. The caller then moves the
     * coins from the granter's balance into the escrow in the granter's name.
     */
    static void draw(Context ctx, Address granter, DeploymentId deployment, Coin amount) {
        Address grantee = deployment.owner();
        DepositGrantId id = new DepositGrantId(granter, grantee);
        DepositGrant g = ctx.state().depositGrants.get(id);
        Rejected.unless(
                g != null,
                ErrorCode.GRANT_NOT_FOUND,
                () -> granter + " has no deposit grant to " + grantee + "; the granter gives one with `vyoma tx"
                        + " deployment grant " + grantee + " --spend-limit AMOUNT`");
        Rejected.unless(
                !g.expiredAt(ctx.timeMillis()),
                ErrorCode.GRANT_EXPIRED,
                () -> "the deposit grant from " + granter + " to " + grantee + " expired at "
                        + time(g.expiresAtMillis()));
        Rejected.unless(
                amount.denom().equals(g.spendLimit().denom()),
                ErrorCode.INVALID_DENOMINATION,
                () -> "the deposit grant from " + granter + " is in "
                        + g.spendLimit().denom() + ", not " + amount.denom());
        Rejected.unless(amount.amount() > 0, ErrorCode.INVALID_COINS, "deposit a positive amount");
        Rejected.unless(
                amount.amount() <= g.remainingMicro(),
                ErrorCode.INSUFFICIENT_FUNDS,
                () -> "the deposit grant from " + granter + " to " + grantee + " has " + g.remainingMicro()
                        + g.spendLimit().denom() + " left of its " + g.spendLimit() + " limit, less than " + amount);
        DepositGrant spent = g.spend(amount.amount());
        ctx.state().depositGrants.put(id, spent);
        ctx.emit(new Event.DepositGrantSpent(granter, grantee, deployment, amount, spent.remainingMicro()));
    }

    /** A block time as UTC, e.g. {@code 2026-12-07T18:30:00Z} (a pure conversion: the ledger reads no clock). */
    static String time(long millis) {
        long seconds = Math.floorDiv(millis, 1000L);
        long day = Math.floorDiv(seconds, 86_400L);
        long s = Math.floorMod(seconds, 86_400L);
        return LocalDate.ofEpochDay(day)
                + String.format(java.util.Locale.ROOT, "T%02d:%02d:%02dZ", s / 3600, s / 60 % 60, s % 60);
    }

    /** Handles the deposit grant messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.GrantDeposit g -> grant(ctx, g);
            case Msg.RevokeDepositGrant r -> revoke(ctx, r);
            default -> throw new IllegalArgumentException("not a deposit grant message: " + m.kind());
        }
    }
}

package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.Invariant;

/**
 * A granter's permission for a grantee to fund the grantee's deployments from the granter's balance.
 *
 * @param spendLimit the most the grantee may draw in all, in the deposit denomination
 * @param spentMicro what the grantee has drawn so far (never more than the limit)
 * @param expiresAtMillis block time from which the grant can no longer be used; 0: it does not expire
 * @param grantedHeight the height of the grant (or of the grant that last replaced it)
 */
public record DepositGrant(
        DepositGrantId id, Coin spendLimit, long spentMicro, long expiresAtMillis, long grantedHeight) {
    public DepositGrant {
        Invariant.check(spendLimit.amount() > 0, "a deposit grant's limit is positive");
        Invariant.check(
                spentMicro >= 0 && spentMicro <= spendLimit.amount(),
                () -> "deposit grant " + id + " has spent " + spentMicro + " of " + spendLimit);
        Invariant.check(expiresAtMillis >= 0, "a deposit grant's expiry is not negative");
    }

    /** What the grantee may still draw. */
    public long remainingMicro() {
        return spendLimit.amount() - spentMicro;
    }

    /** Whether the grant can no longer be used at block time {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** The grant after drawing {@code amount} more. */
    public DepositGrant spend(long amount) {
        return new DepositGrant(id, spendLimit, Math.addExact(spentMicro, amount), expiresAtMillis, grantedHeight);
    }
}

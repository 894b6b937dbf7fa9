package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.deployment.DeploymentId;

/** An entry of the run-out index: the height an account's funds run out, then the account. */
public record RunOutKey(long height, DeploymentId account) implements Comparable<RunOutKey> {
    /**
     * An order hint for the run-out index: the height, then the first 24 bits of the account's owner, so
     * that accounts running out at the same height rarely need their ids compared. It never decreases as
     * keys increase: {@link #last} gets the largest hint of its height, and every height from 2^39 on (an
     * account paying almost nothing runs out in a distant future) shares the largest hint of all.
     */
    public long orderHint() {
        if (height >= FAR_HEIGHT) {
            return Long.MAX_VALUE;
        }
        long owner = account == null ? 0xFFFFFF : (account.owner().orderPrefix() ^ Long.MIN_VALUE) >>> 40;
        return (height << 24) | owner;
    }

    /** Heights from here on share one order hint (see {@link #orderHint}). */
    private static final long FAR_HEIGHT = 1L << 39;

    /** A key after every account's key at {@code height}: the upper bound of a scan up to that height. */
    public static RunOutKey last(long height) {
        return new RunOutKey(height, null);
    }

    @Override
    public int compareTo(RunOutKey o) {
        int c = Long.compare(height, o.height);
        if (c != 0 || account == o.account) {
            return c;
        }
        // The bound from last(height) (no account) sorts after every account at its height.
        if (account == null) {
            return 1;
        }
        return o.account == null ? -1 : account.compareTo(o.account);
    }
}

package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.deployment.DeploymentId;

/** An entry of the run-out index: the height an account's funds run out, then the account. */
public record RunOutKey(long height, DeploymentId account) implements Comparable<RunOutKey> {
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

package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.deployment.DeploymentId;

/** An entry of the run-out index: the height an account's funds run out, then the account. */
public record RunOutKey(long height, DeploymentId account) implements Comparable<RunOutKey> {
    @Override
    public int compareTo(RunOutKey o) {
        int c = Long.compare(height, o.height);
        return c != 0 ? c : account.compareTo(o.account);
    }
}

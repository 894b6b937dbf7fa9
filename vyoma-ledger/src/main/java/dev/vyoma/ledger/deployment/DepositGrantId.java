package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.crypto.Address;
import java.util.Objects;

/** A deposit grant's key: the account that pays (granter) and the tenant allowed to spend it (grantee). */
public record DepositGrantId(Address granter, Address grantee) implements Comparable<DepositGrantId> {
    public DepositGrantId {
        Objects.requireNonNull(granter, "granter");
        Objects.requireNonNull(grantee, "grantee");
    }

    @Override
    public int compareTo(DepositGrantId o) {
        int c = granter.compareTo(o.granter);
        return c != 0 ? c : grantee.compareTo(o.grantee);
    }

    @Override
    public String toString() {
        return granter + "/" + grantee;
    }
}

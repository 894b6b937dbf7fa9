package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.crypto.Address;
import java.util.Objects;

/** A deployment: its owner and the owner-chosen sequence number {@code dseq} (by convention a height). */
public record DeploymentId(Address owner, long dseq) implements Comparable<DeploymentId> {
    public DeploymentId {
        Objects.requireNonNull(owner, "owner");
        if (dseq <= 0) {
            throw new IllegalArgumentException("dseq must be positive, got " + dseq);
        }
    }

    @Override
    public int compareTo(DeploymentId o) {
        int c = owner.compareTo(o.owner);
        return c != 0 ? c : Long.compare(dseq, o.dseq);
    }

    // Explicit equals and hashCode: ids are hash keys of the ledger's tables, so the primitive is compared
    // before the address is dereferenced.
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof DeploymentId d && dseq == d.dseq && owner.equals(d.owner));
    }

    @Override
    public int hashCode() {
        return 31 * owner.hashCode() + Long.hashCode(dseq);
    }

    @Override
    public String toString() {
        return owner + "/" + dseq;
    }
}

package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.base.IdText;
import dev.vyoma.ledger.base.WholeNumber;
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

    /** The text form of a deployment id. */
    public static final String FORM = "OWNER/DSEQ";

    /** Parses {@code OWNER/DSEQ}; an {@link IllegalArgumentException} says what is wrong. */
    public static DeploymentId parse(String text) {
        String[] p = IdText.split(text, 2, FORM);
        return parse(p[0], p[1]);
    }

    /** Parses an owner address and a {@code dseq} given apart (as path parameters are). */
    public static DeploymentId parse(String owner, String dseq) {
        return new DeploymentId(address(owner, "owner"), parseDseq(dseq));
    }

    /** Parses a {@code dseq}: a whole number from 1 in its one canonical spelling ({@link WholeNumber}). */
    public static long parseDseq(String text) {
        return WholeNumber.parse(text, "dseq", 1, Long.MAX_VALUE);
    }

    /** Parses an address that is part of an id, naming the part in the error. */
    public static Address address(String text, String part) {
        if (text == null) {
            throw new IllegalArgumentException(part + ": an address is required");
        }
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(part + ": " + e.getMessage(), e);
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

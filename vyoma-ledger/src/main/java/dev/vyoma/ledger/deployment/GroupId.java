package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.base.IdText;
import dev.vyoma.ledger.base.WholeNumber;
import java.util.Objects;

/** A group of a deployment, numbered from 1 in the order of the deployment's group specs. */
public record GroupId(DeploymentId deployment, int gseq) implements Comparable<GroupId> {
    public GroupId {
        Objects.requireNonNull(deployment, "deployment");
        if (gseq < 0) {
            throw new IllegalArgumentException("gseq must not be negative, got " + gseq);
        }
    }

    /** The text form of a group id. */
    public static final String FORM = "OWNER/DSEQ/GSEQ";

    /** Parses {@code OWNER/DSEQ/GSEQ}; an {@link IllegalArgumentException} says what is wrong. */
    public static GroupId parse(String text) {
        String[] p = IdText.split(text, 3, FORM);
        return parse(p[0], p[1], p[2]);
    }

    /** Parses the parts of a group id given apart (as path parameters are). */
    public static GroupId parse(String owner, String dseq, String gseq) {
        return new GroupId(DeploymentId.parse(owner, dseq), parseGseq(gseq));
    }

    /** Parses a {@code gseq}: a whole number from 1 in its one canonical spelling ({@link WholeNumber}). */
    public static int parseGseq(String text) {
        return (int) WholeNumber.parse(text, "gseq", 1, Integer.MAX_VALUE);
    }

    /** The smallest group id of a deployment, for range scans. */
    public static GroupId first(DeploymentId d) {
        return new GroupId(d, 0);
    }

    @Override
    public int compareTo(GroupId o) {
        int c = deployment.compareTo(o.deployment);
        return c != 0 ? c : Integer.compare(gseq, o.gseq);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof GroupId g && gseq == g.gseq && deployment.equals(g.deployment));
    }

    @Override
    public int hashCode() {
        return 31 * deployment.hashCode() + gseq;
    }

    @Override
    public String toString() {
        return deployment + "/" + gseq;
    }
}

package dev.vyoma.ledger.deployment;

import java.util.Objects;

/** A group of a deployment, numbered from 1 in the order of the deployment's group specs. */
public record GroupId(DeploymentId deployment, int gseq) implements Comparable<GroupId> {
    public GroupId {
        Objects.requireNonNull(deployment, "deployment");
        if (gseq < 0) {
            throw new IllegalArgumentException("gseq must not be negative, got " + gseq);
        }
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

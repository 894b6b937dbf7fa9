package dev.vyoma.ledger.market;

import dev.vyoma.ledger.deployment.GroupId;
import java.util.Objects;

/** An order of a group; {@code oseq} counts the group's orders from 1. */
public record OrderId(GroupId group, int oseq) implements Comparable<OrderId> {
    public OrderId {
        Objects.requireNonNull(group, "group");
    }

    @Override
    public int compareTo(OrderId o) {
        int c = group.compareTo(o.group);
        return c != 0 ? c : Integer.compare(oseq, o.oseq);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof OrderId x && oseq == x.oseq && group.equals(x.group));
    }

    @Override
    public int hashCode() {
        return 31 * group.hashCode() + oseq;
    }

    @Override
    public String toString() {
        return group + "/" + oseq;
    }
}

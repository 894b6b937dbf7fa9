package dev.vyoma.ledger.market;

import dev.vyoma.ledger.base.IdText;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.deployment.GroupId;
import java.util.Objects;

/** An order of a group; {@code oseq} counts the group's orders from 1. */
public record OrderId(GroupId group, int oseq) implements Comparable<OrderId> {
    public OrderId {
        Objects.requireNonNull(group, "group");
    }

    /** The text form of an order id. */
    public static final String FORM = "OWNER/DSEQ/GSEQ/OSEQ";

    /** Parses {@code OWNER/DSEQ/GSEQ/OSEQ}; an {@link IllegalArgumentException} says what is wrong. */
    public static OrderId parse(String text) {
        String[] p = IdText.split(text, 4, FORM);
        return parse(p[0], p[1], p[2], p[3]);
    }

    /** Parses the parts of an order id given apart (as path parameters are). */
    public static OrderId parse(String owner, String dseq, String gseq, String oseq) {
        return new OrderId(GroupId.parse(owner, dseq, gseq), parseOseq(oseq));
    }

    /** Parses an {@code oseq}: a whole number from 1 in its one canonical spelling ({@link WholeNumber}). */
    public static int parseOseq(String text) {
        return (int) WholeNumber.parse(text, "oseq", 1, Integer.MAX_VALUE);
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

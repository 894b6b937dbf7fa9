package dev.vyoma.ledger.market;

import dev.vyoma.ledger.base.IdText;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import java.util.Objects;

/** A provider's bid on an order; a lease has the id of the bid it was made from. */
public record BidId(OrderId order, Address provider) implements Comparable<BidId> {
    public BidId {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(provider, "provider");
    }

    /** The text form of a bid's or a lease's id. */
    public static final String FORM = "OWNER/DSEQ/GSEQ/OSEQ/PROVIDER";

    /**
     * Parses {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER} (a bid's or a lease's id); an {@link IllegalArgumentException}
     * says what is wrong. {@link #toString} gives back the one canonical spelling.
     */
    public static BidId parse(String text) {
        String[] p = IdText.split(text, 5, FORM);
        return new BidId(OrderId.parse(p[0], p[1], p[2], p[3]), DeploymentId.address(p[4], "provider"));
    }

    public DeploymentId deployment() {
        return order.group().deployment();
    }

    /** The smallest bid id of a deployment, for range scans. */
    public static BidId first(DeploymentId d) {
        return new BidId(new OrderId(new GroupId(d, 0), 0), Address.MIN);
    }

    /** The smallest bid id of an order. */
    public static BidId first(OrderId o) {
        return new BidId(o, Address.MIN);
    }

    @Override
    public int compareTo(BidId o) {
        int c = order.compareTo(o.order);
        return c != 0 ? c : provider.compareTo(o.provider);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof BidId b && order.equals(b.order) && provider.equals(b.provider));
    }

    @Override
    public int hashCode() {
        return 31 * order.hashCode() + provider.hashCode();
    }

    @Override
    public String toString() {
        return order + "/" + provider;
    }
}

package dev.vyoma.provider.bid;

import dev.vyoma.ledger.machine.Matching;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether to bid on an order, and at what price, as Akash's bid engine does: the provider must meet
 * the group's placement attributes and auditor signatures and declare the storage classes and GPU models it
 * needs (the chain's own rules, {@link Matching}), the group must fit the inventory (which reserves the
 * capacity), and the price list's price must be in the group's denom and at most the order's maximum. A
 * decision not to bid gives the reservation back.
 */
public final class BidEngine {
    /** What the provider says about itself on the chain: its attributes and what auditors signed. */
    public record Profile(List<Attribute> attributes, List<Matching.Audited> audited) {
        public Profile {
            attributes = List.copyOf(attributes);
            audited = List.copyOf(audited);
        }
    }

    /** The outcome for one order. */
    public sealed interface Decision {}

    /** Bid {@code price}; {@code reservation} holds the capacity until the bid is won, lost or closed. */
    public record Bid(DecCoin price, Inventory.Reservation reservation) implements Decision {}

    /** The requirement of an order that kept a provider from bidding, as a tenant would look it up. */
    public enum Excluded {
        ATTRIBUTE("attribute"),
        SIGNED_BY("signedBy auditor"),
        STORAGE_CLASS("storage class"),
        GPU_MODEL("GPU model not offered"),
        NO_GPU("no GPU"),
        DENOM("price denom"),
        CAPACITY("capacity"),
        NOT_PRICED("not priced"),
        PRICE_CEILING("price above the ceiling");

        private final String label;

        Excluded(String label) {
            this.label = label;
        }

        /** The words a table prints for it. */
        public String label() {
            return label;
        }

        static Excluded of(Matching.Requirement r) {
            return switch (r) {
                case ATTRIBUTE -> ATTRIBUTE;
                case SIGNED_BY -> SIGNED_BY;
                case STORAGE_CLASS -> STORAGE_CLASS;
                case GPU_MODEL -> GPU_MODEL;
                case NO_GPU -> NO_GPU;
            };
        }
    }

    /**
     * No bid: the first requirement not met ({@code by}) and why; {@code asked} is the price the provider would
     * have asked when only the order's maximum stood in the way ({@link Excluded#PRICE_CEILING}), else null.
     */
    public record Skip(Excluded by, String reason, DecCoin asked) implements Decision {
        public Skip {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(reason, "reason");
            if ((asked != null) != (by == Excluded.PRICE_CEILING)) {
                throw new IllegalArgumentException("a price is asked exactly when the ceiling excluded the bid");
            }
        }

        public Skip(Excluded by, String reason) {
            this(by, reason, null);
        }
    }

    private final Inventory inventory;
    private final PriceList prices;

    public BidEngine(Inventory inventory, PriceList prices) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    public Inventory inventory() {
        return inventory;
    }

    /** Evaluates the order {@code order} (its id as text) for group {@code group}. */
    public Decision evaluate(String order, GroupSpec group, Profile profile) {
        Matching.Mismatch mismatch = Matching.requirements(group, profile.attributes(), profile.audited());
        if (mismatch == null) {
            mismatch = Matching.capabilities(group, profile.attributes());
        }
        if (mismatch != null) {
            return new Skip(Excluded.of(mismatch.requirement()), mismatch.message());
        }
        DecCoin max = group.price();
        if (!max.denom().equals(prices.denom())) {
            return new Skip(
                    Excluded.DENOM, "the order pays in " + max.denom() + "; this provider prices in " + prices.denom());
        }
        boolean heldBefore = inventory.holds(order);
        Inventory.Fit fit = inventory.reserve(order, group);
        if (fit instanceof Inventory.NoFit no) {
            return new Skip(Excluded.CAPACITY, no.reason());
        }
        Inventory.Reservation reservation = ((Inventory.Reserved) fit).reservation();
        PriceList.Priced priced = prices.price(group, reservation);
        Skip skip = priced.price() == null
                ? new Skip(Excluded.NOT_PRICED, priced.why())
                : priced.price().amount().compareTo(max.amount()) > 0
                        ? new Skip(
                                Excluded.PRICE_CEILING,
                                "the price " + plain(priced.price()) + " is above the order's maximum " + plain(max),
                                priced.price())
                        : null;
        if (skip != null) {
            if (!heldBefore) {
                inventory.release(order);
            }
            return skip;
        }
        return new Bid(priced.price(), reservation);
    }

    private static String plain(DecCoin c) {
        return c.amount().stripTrailingZeros().toPlainString() + c.denom();
    }
}

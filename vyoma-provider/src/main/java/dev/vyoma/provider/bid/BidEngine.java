package dev.vyoma.provider.bid;

import dev.vyoma.ledger.market.Matching;
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

    /** No bid, and why. */
    public record Skip(String reason) implements Decision {}

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
        String mismatch = Matching.requirementsMismatch(group, profile.attributes(), profile.audited());
        if (mismatch != null) {
            return new Skip(mismatch);
        }
        mismatch = Matching.capabilitiesMismatch(group, profile.attributes());
        if (mismatch != null) {
            return new Skip(mismatch);
        }
        DecCoin max = group.price();
        if (!max.denom().equals(prices.denom())) {
            return new Skip("the order pays in " + max.denom() + "; this provider prices in " + prices.denom());
        }
        boolean heldBefore = inventory.holds(order);
        Inventory.Fit fit = inventory.reserve(order, group);
        if (fit instanceof Inventory.NoFit no) {
            return new Skip(no.reason());
        }
        Inventory.Reservation reservation = ((Inventory.Reserved) fit).reservation();
        PriceList.Priced priced = prices.price(group, reservation);
        String why = priced.price() == null
                ? priced.why()
                : priced.price().amount().compareTo(max.amount()) > 0
                        ? "the price " + plain(priced.price()) + " is above the order's maximum " + plain(max)
                        : null;
        if (why != null) {
            if (!heldBefore) {
                inventory.release(order);
            }
            return new Skip(why);
        }
        return new Bid(priced.price(), reservation);
    }

    private static String plain(DecCoin c) {
        return c.amount().stripTrailingZeros().toPlainString() + c.denom();
    }
}

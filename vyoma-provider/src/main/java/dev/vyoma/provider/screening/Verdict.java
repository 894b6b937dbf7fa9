package dev.vyoma.provider.screening;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.sdl.spec.DecCoin;
import java.util.Objects;

/** What one provider would do with one group of an order, as {@link Screening} judges it. */
public sealed interface Verdict {
    /** The group's name in the SDL. */
    String group();

    /** The provider judged. */
    Address provider();

    /** It would bid {@code price} per block. */
    record Bids(String group, Address provider, DecCoin price) implements Verdict {
        public Bids {
            Objects.requireNonNull(price, "price");
        }
    }

    /**
     * It would not bid: {@code skip} says the first requirement it does not meet; {@code ceiling} is the group's
     * maximum price per block.
     */
    record Excluded(String group, Address provider, BidEngine.Skip skip, DecCoin ceiling) implements Verdict {
        public Excluded {
            Objects.requireNonNull(skip, "skip");
            Objects.requireNonNull(ceiling, "ceiling");
        }
    }

    /** Its offer could not be read (no answer in time, too large, not an offer); {@code why} says which. */
    record Unreachable(String group, Address provider, String why) implements Verdict {
        public Unreachable {
            Objects.requireNonNull(why, "why");
        }
    }
}

package dev.vyoma.ledger.market;

import dev.vyoma.sdl.spec.DecCoin;

/** An order: the most a tenant pays per block for its group (the sum of unit price × count). */
public record Order(OrderId id, OrderState state, DecCoin maxPrice, long createdAt) {
    public Order with(OrderState s) {
        return new Order(id, s, maxPrice, createdAt);
    }
}

package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.market.BidId;
import java.math.BigDecimal;

/**
 * A lease's payment to its provider: the rate per block, what has accrued and not been withdrawn yet
 * ({@code balance}, exact), and the whole micro-units withdrawn so far.
 */
public record Payment(BidId lease, PaymentState state, BigDecimal rate, BigDecimal balance, long withdrawn) {}

package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.crypto.Address;
import java.math.BigDecimal;

/** One deposit into an escrow account and what is left of it; spent first in, first out; refunded to its owner. */
public record Depositor(Address owner, BigDecimal remaining) {}

package dev.vyoma.ledger.bank;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.PublicKey;

/**
 * An account's public key (known from its first transaction; null before) and the sequence number its
 * next transaction must carry.
 */
public record Account(Address address, PublicKey publicKey, long sequence) {}

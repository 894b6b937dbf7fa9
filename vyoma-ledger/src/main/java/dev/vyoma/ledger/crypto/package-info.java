/**
 * The ledger's cryptography: Ed25519 keys and signatures ({@link dev.vyoma.ledger.crypto.Ed25519}, backed by
 * BouncyCastle's RFC 8032 code), 20-byte account addresses written as bech32 with the prefix {@code vyoma}
 * ({@link dev.vyoma.ledger.crypto.Address}, {@link dev.vyoma.ledger.crypto.Bech32}) and SHA-256 ({@link
 * dev.vyoma.ledger.crypto.Hashes}). Everything here is a pure function of its arguments; the one source of
 * randomness, key generation for clients and tests, is a parameter.
 */
package dev.vyoma.ledger.crypto;

/**
 * The ledger's canonical binary encoding: one byte sequence per value, the same on every machine and
 * JVM, for records, sealed interfaces, lists, optionals, strings, integers, decimals and byte arrays. It
 * is what transactions are signed over, what the state commitment hashes and what snapshots hold.
 */
package dev.vyoma.ledger.codec;

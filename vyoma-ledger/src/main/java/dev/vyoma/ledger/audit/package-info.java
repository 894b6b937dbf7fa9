/** Auditors' signatures on provider attributes, which tenants can require through {@code signedBy}. */
package dev.vyoma.ledger.audit;

package dev.vyoma.ledger.audit;

import dev.vyoma.ledger.crypto.Address;

/** Attributes that one auditor signed for one provider. */
public record AuditKey(Address provider, Address auditor) implements Comparable<AuditKey> {
    @Override
    public int compareTo(AuditKey o) {
        int c = provider.compareTo(o.provider);
        return c != 0 ? c : auditor.compareTo(o.auditor);
    }
}

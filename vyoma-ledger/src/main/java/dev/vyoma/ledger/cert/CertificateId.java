package dev.vyoma.ledger.cert;

import dev.vyoma.ledger.crypto.Address;

/** A certificate: its owner and serial number (decimal). */
public record CertificateId(Address owner, String serial) implements Comparable<CertificateId> {
    @Override
    public int compareTo(CertificateId o) {
        int c = owner.compareTo(o.owner);
        return c != 0 ? c : serial.compareTo(o.serial);
    }
}

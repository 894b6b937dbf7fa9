package dev.vyoma.ledger.inference;

import dev.vyoma.ledger.crypto.Address;

/** An inference account: the owner who pays and the gateway allowed to charge it. */
public record InferenceAccountId(Address owner, Address gateway) implements Comparable<InferenceAccountId> {
    @Override
    public int compareTo(InferenceAccountId o) {
        int c = owner.compareTo(o.owner);
        return c != 0 ? c : gateway.compareTo(o.gateway);
    }

    @Override
    public String toString() {
        return owner + "/" + gateway;
    }
}

package dev.vyoma.ledger.bank;

import dev.vyoma.ledger.crypto.Address;

/** The balance of one owner in one denomination. */
public record BalanceKey(Address owner, String denom) implements Comparable<BalanceKey> {
    @Override
    public int compareTo(BalanceKey o) {
        int c = owner.compareTo(o.owner);
        return c != 0 ? c : denom.compareTo(o.denom);
    }
}
